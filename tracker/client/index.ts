export { type EpochCallback, fitLogger } from './fit-logger.ts';
export { MetricLogger, type MetricLoggerOptions } from './metric-logger.ts';
export type {
  DatasetInput,
  Deployment,
  DeploymentRecord,
  Experiment,
  KeyValue,
  Metric,
  MetricWithRunId,
  ModelVersion,
  Pointer,
  RegisteredModel,
  Run,
  RunInfo,
  RunStatus,
} from './schemas.ts';
export { BATCH_LIMITS, splitBatch } from './split-batch.ts';
export {
  type ModelStage,
  type Page,
  type SearchOptions,
  TrackerClient,
  type TrackerClientOptions,
  type ViewType,
} from './tracker-client.ts';
export { isTrackerError, TrackerError } from './tracker-error.ts';
export { trackingUri } from './tracking-uri.ts';
