export { type ModelStage, type Page, type SearchOptions, TrackerClient, type TrackerClientOptions, type ViewType } from './tracker-client.ts';
export { TrackerError, isTrackerError } from './tracker-error.ts';
export { MetricLogger, type MetricLoggerOptions } from './metric-logger.ts';
export { fitLogger, type EpochCallback } from './fit-logger.ts';
export { BATCH_LIMITS, splitBatch } from './split-batch.ts';
export type {
  DatasetInput,
  Deployment,
  Experiment,
  MetricWithRunId,
  DeploymentRecord,
  KeyValue,
  Metric,
  ModelVersion,
  Pointer,
  RegisteredModel,
  Run,
  RunInfo,
  RunStatus,
} from './schemas.ts';
