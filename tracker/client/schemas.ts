import * as z from 'zod';
import { Pointer } from '../../contracts/pointer.ts';

/*
 * What the tracker answers, as MLflow's REST API documents it: the one description of the wire
 * shapes. The client parses answers with these schemas; the store's entities and the dashboard's
 * types are their output types (imported as types only, so the dashboard bundles no zod). Parsing is
 * lenient where MLflow's own JSON is (int64 as number or string, empty lists and some defaults
 * omitted, non-finite doubles as "NaN"/"Infinity") and strict where a wrong answer would mislead the
 * caller (enums, ids, required fields).
 */

const int64 = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);
// `.optional()` outside the transform makes the key optional in the output type too.
const optionalInt64 = int64
  .nullish()
  .transform((v) => v ?? undefined)
  .optional();
const double = z.union([
  z.number(),
  z.enum(['NaN', 'Infinity', '-Infinity']).transform(Number),
  z.null().transform(() => Number.NaN),
]);
const optionalString = z
  .string()
  .nullish()
  .transform((v) => v ?? undefined)
  .optional();

/** A key/value pair (params, tags). */
export const KeyValue = z.object({ key: z.string(), value: z.string() });
/** A key/value pair (params, tags). */
export type KeyValue = z.output<typeof KeyValue>;

/** One metric point. `value` may be NaN or ±Infinity (MLflow allows them); times are epoch ms. */
export const Metric = z.object({
  key: z.string(),
  value: double,
  timestamp: int64,
  step: int64.default(0),
});
/** One metric point. */
export type Metric = z.output<typeof Metric>;

/** A metric point to log: `timestamp` (epoch ms) defaults to now and `step` to 0. */
export type LoggedMetric = Omit<Metric, 'timestamp' | 'step'> & Partial<Pick<Metric, 'timestamp' | 'step'>>;

/** One point of get-history-bulk-interval: a metric point with its run. */
export const MetricWithRunId = Metric.extend({ run_id: z.string() });
/** One point of get-history-bulk-interval. */
export type MetricWithRunId = z.output<typeof MetricWithRunId>;

/** get-history-bulk-interval's answer. */
export const MetricBulkInterval = z.object({ metrics: z.array(MetricWithRunId).default([]) });
/** get-history-bulk-interval's answer. */
export type MetricBulkInterval = z.output<typeof MetricBulkInterval>;

/** A page of metrics/get-history. */
export const MetricHistoryPage = z.object({ metrics: z.array(Metric).default([]), next_page_token: optionalString });
/** A page of metrics/get-history. */
export type MetricHistoryPage = z.output<typeof MetricHistoryPage>;

/** Lifecycle of an experiment or run. */
export const LifecycleStage = z.enum(['active', 'deleted']);
/** Lifecycle of an experiment or run. */
export type LifecycleStage = z.output<typeof LifecycleStage>;

/** Which experiments or runs a search sees. */
export const ViewType = z.enum(['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL']);
/** Which experiments or runs a search sees. */
export type ViewType = z.output<typeof ViewType>;

/** An experiment. */
export const Experiment = z.object({
  experiment_id: z.string(),
  name: z.string(),
  artifact_location: optionalString,
  lifecycle_stage: LifecycleStage,
  creation_time: optionalInt64,
  last_update_time: optionalInt64,
  tags: z.array(KeyValue).default([]),
});
/** An experiment. */
export type Experiment = z.output<typeof Experiment>;

/** edgeflow's experiments/stats row: an experiment's active runs and the newest run's start. */
export const ExperimentStats = z.object({
  experiment_id: z.string(),
  run_count: z.number().int(),
  last_run_start_time: optionalInt64,
});
/** edgeflow's experiments/stats row. */
export type ExperimentStats = z.output<typeof ExperimentStats>;

/** edgeflow's experiments/stats answer, in the order asked. */
export const ExperimentStatsList = z.object({ stats: z.array(ExperimentStats).default([]) });
/** edgeflow's experiments/stats answer. */
export type ExperimentStatsList = z.output<typeof ExperimentStatsList>;

/** MLflow's run statuses. */
export const RunStatus = z.enum(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']);
/** A run status. */
export type RunStatus = z.output<typeof RunStatus>;

/** `run.info`. `end_time` is absent while the run has none. */
export const RunInfo = z.object({
  run_id: z.string().min(1),
  /** Deprecated alias of `run_id`, still read by older clients. */
  run_uuid: optionalString,
  experiment_id: z.string(),
  run_name: z.string().default(''),
  user_id: optionalString,
  status: RunStatus,
  start_time: int64,
  end_time: optionalInt64,
  artifact_uri: z.string(),
  lifecycle_stage: LifecycleStage,
});
/** `run.info`. */
export type RunInfo = z.output<typeof RunInfo>;

/** `run.data`: the latest value of every metric, all params, all tags. */
export const RunData = z.object({
  metrics: z.array(Metric).default([]),
  params: z.array(KeyValue).default([]),
  tags: z.array(KeyValue).default([]),
});
/** `run.data`. */
export type RunData = z.output<typeof RunData>;

/** A dataset as MLflow's log-inputs sends it (`source`, `schema`, `profile` are opaque JSON text). */
export const Dataset = z.object({
  name: z.string(),
  digest: z.string(),
  source_type: z.string(),
  source: z.string(),
  schema: optionalString,
  profile: optionalString,
});
/** A dataset. */
export type Dataset = z.output<typeof Dataset>;

/** A dataset a run used, with the input's tags (e.g. `mlflow.data.context`). */
export const DatasetInput = z.object({ tags: z.array(KeyValue).default([]), dataset: Dataset });
/** A dataset a run used. */
export type DatasetInput = z.output<typeof DatasetInput>;

/** A dataset input to log: its tags may be left out. */
export type LoggedDatasetInput = Omit<DatasetInput, 'tags'> & Partial<Pick<DatasetInput, 'tags'>>;

/** A run: its info, the latest value of every metric, its params and tags, and the datasets it used. */
export const Run = z.object({
  info: RunInfo,
  data: RunData.default({ metrics: [], params: [], tags: [] }),
  inputs: z.object({ dataset_inputs: z.array(DatasetInput).default([]) }).default({ dataset_inputs: [] }),
});
/** A run. */
export type Run = z.output<typeof Run>;

/** A page of runs/search. */
export const RunsPage = z.object({ runs: z.array(Run).default([]), next_page_token: optionalString });
/** A page of runs/search. */
export type RunsPage = z.output<typeof RunsPage>;

/** A page of experiments/search. */
export const ExperimentsPage = z.object({
  experiments: z.array(Experiment).default([]),
  next_page_token: optionalString,
});
/** A page of experiments/search. */
export type ExperimentsPage = z.output<typeof ExperimentsPage>;

/** One entry of artifacts/list (MLflow's `FileInfo`). */
export const FileInfo = z.object({ path: z.string(), is_dir: z.boolean().default(false), file_size: optionalInt64 });
/** One entry of artifacts/list. */
export type FileInfo = z.output<typeof FileInfo>;

/** A page of artifacts/list. */
export const ArtifactList = z.object({
  root_uri: optionalString,
  files: z.array(FileInfo).default([]),
  next_page_token: optionalString,
});
/** A page of artifacts/list. */
export type ArtifactList = z.output<typeof ArtifactList>;

/** MLflow's model version stages. */
export const ModelStage = z.enum(['None', 'Staging', 'Production', 'Archived']);
/** A model version stage. */
export type ModelStage = z.output<typeof ModelStage>;

/** Model version statuses. */
export const ModelVersionStatus = z.enum(['PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY']);
/** A model version status. */
export type ModelVersionStatus = z.output<typeof ModelVersionStatus>;

/** A model version (`version` is a string, as in MLflow). */
export const ModelVersion = z.object({
  name: z.string(),
  version: z.union([z.string().regex(/^\d+$/), z.number().int().transform(String)]),
  creation_timestamp: optionalInt64,
  last_updated_timestamp: optionalInt64,
  user_id: optionalString,
  current_stage: optionalString,
  description: optionalString,
  source: z.string(),
  run_id: optionalString,
  run_link: optionalString,
  status: ModelVersionStatus.optional(),
  status_message: optionalString,
  tags: z.array(KeyValue).default([]),
  aliases: z.array(z.string()).default([]),
});
/** A model version. */
export type ModelVersion = z.output<typeof ModelVersion>;

/** An alias of a registered model and the version it names. */
export const ModelAlias = z.object({ alias: z.string(), version: z.string() });
/** An alias of a registered model. */
export type ModelAlias = z.output<typeof ModelAlias>;

/** A registered model; `latest_versions` is the newest version of each stage. */
export const RegisteredModel = z.object({
  name: z.string(),
  creation_timestamp: optionalInt64,
  last_updated_timestamp: optionalInt64,
  description: optionalString,
  latest_versions: z.array(ModelVersion).default([]),
  tags: z.array(KeyValue).default([]),
  aliases: z.array(ModelAlias).default([]),
});
/** A registered model. */
export type RegisteredModel = z.output<typeof RegisteredModel>;

/** A page of model-versions/search. */
export const ModelVersionsPage = z.object({
  model_versions: z.array(ModelVersion).default([]),
  next_page_token: optionalString,
});
/** A page of model-versions/search. */
export type ModelVersionsPage = z.output<typeof ModelVersionsPage>;

/** A page of registered-models/search. */
export const RegisteredModelsPage = z.object({
  registered_models: z.array(RegisteredModel).default([]),
  next_page_token: optionalString,
});
/** A page of registered-models/search. */
export type RegisteredModelsPage = z.output<typeof RegisteredModelsPage>;

/** Kinds of pointer flips. */
export const DeploymentKind = z.enum(['promote', 'rollback']);
/** A kind of pointer flip. */
export type DeploymentKind = z.output<typeof DeploymentKind>;

/** One pointer flip as the tracker records it (who, when, from → to; `from_version` null for the first). */
export const DeploymentRecord = z.object({
  id: z.number().int().optional(),
  model: z.string(),
  from_version: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  to_version: z.string(),
  kind: DeploymentKind,
  actor: optionalString,
  created_at: int64,
});
/** One pointer flip. */
export type DeploymentRecord = z.output<typeof DeploymentRecord>;

/** What a rollback did: the recorded flip. */
export const Deployment = DeploymentRecord;
/** What a rollback did. */
export type Deployment = DeploymentRecord;

/** A model's deployment state: the live pointer (null before the first promotion) and its flips, newest first. */
export const DeploymentState = z.object({
  pointer: z.nullable(Pointer),
  history: z.array(DeploymentRecord).default([]),
});
/** A model's deployment state. */
export type DeploymentState = z.output<typeof DeploymentState>;

export type { Pointer };
