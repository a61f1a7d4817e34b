export { authorizationHeader, type Credentials, credentialsFromEnv } from './credentials.ts';
export { type EpochCallback, fitLogger } from './fit-logger.ts';
export { MetricLogger, type MetricLoggerOptions } from './metric-logger.ts';
export type {
  Dataset,
  DatasetInput,
  Deployment,
  DeploymentRecord,
  DeploymentState,
  Experiment,
  KeyValue,
  LoggedDatasetInput,
  LoggedMetric,
  Metric,
  MetricWithRunId,
  ModelAlias,
  ModelStage,
  ModelVersion,
  ModelVersionStatus,
  Pointer,
  RegisteredModel,
  Run,
  RunData,
  RunInfo,
  RunStatus,
  ViewType,
} from './schemas.ts';
export { BATCH_LIMITS, splitBatch } from './split-batch.ts';
export { type Page, type SearchOptions, TrackerClient, type TrackerClientOptions } from './tracker-client.ts';
export { isTrackerError, TrackerError } from './tracker-error.ts';
export { trackingUri } from './tracking-uri.ts';
