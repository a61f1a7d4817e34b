/*
 * The entities the tracker's store answers with. They are MLflow-shaped (field names as MLflow's REST API
 * spells them) so routes reply with them as they are. Times are epoch ms.
 */

/** A key/value tag (runs, experiments, registered models, model versions). */
export interface Tag {
  key: string;
  value: string;
}

/** A run param. */
export interface Param {
  key: string;
  value: string;
}

/** One metric point. `value` may be NaN or ±Infinity (MLflow allows them). */
export interface Metric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

/** Lifecycle of an experiment or run. */
export type LifecycleStage = 'active' | 'deleted';

/** An experiment. */
export interface Experiment {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: LifecycleStage;
  creation_time: number;
  last_update_time: number;
  tags: Tag[];
}

/** MLflow's run statuses. */
export const RUN_STATUSES = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] as const;

/** A run status. */
export type RunStatus = (typeof RUN_STATUSES)[number];

/** `run.info`. `end_time` is absent while the run has none. */
export interface RunInfo {
  run_id: string;
  /** Deprecated alias of `run_id`, still read by older clients. */
  run_uuid: string;
  run_name: string;
  experiment_id: string;
  user_id: string;
  status: RunStatus;
  start_time: number;
  end_time?: number;
  artifact_uri: string;
  lifecycle_stage: LifecycleStage;
}

/** `run.data`: the latest value of every metric, all params, all tags. */
export interface RunData {
  metrics: Metric[];
  params: Param[];
  tags: Tag[];
}

/** A dataset as MLflow's `log-inputs` sends it (`source`, `schema`, `profile` are opaque JSON text). */
export interface Dataset {
  name: string;
  digest: string;
  source_type: string;
  source: string;
  schema?: string;
  profile?: string;
}

/** A dataset a run used, with the input's tags (e.g. `mlflow.data.context`). */
export interface DatasetInput {
  tags: Tag[];
  dataset: Dataset;
}

/** A run as `runs/get` returns it. */
export interface Run {
  info: RunInfo;
  data: RunData;
  inputs: { dataset_inputs: DatasetInput[] };
}

/** A page of search results. */
export interface SearchPage<T> {
  items: T[];
  next_page_token?: string;
}

/** A page of a metric's history. */
export interface MetricHistoryPage {
  metrics: Metric[];
  next_page_token?: string;
}

/** One point of a metric with its run (get-history-bulk-interval). */
export interface MetricWithRunId extends Metric {
  run_id: string;
}

/** Runs of an experiment at a glance (the dashboard's list). */
export interface ExperimentStats {
  experiment_id: string;
  run_count: number;
  last_run_start_time?: number;
}

/** MLflow's model version stages. */
export const STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;

/** A model version stage. */
export type Stage = (typeof STAGES)[number];

/** Model version statuses. */
export type ModelVersionStatus = 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION' | 'READY';

/** A model version. `version` is a string at the API, as in MLflow. */
export interface ModelVersion {
  name: string;
  version: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  description?: string;
  user_id?: string;
  current_stage: string;
  source: string;
  run_id?: string;
  run_link?: string;
  status: ModelVersionStatus;
  status_message?: string;
  tags: Tag[];
  aliases: string[];
}

/** An alias of a registered model. */
export interface ModelAlias {
  alias: string;
  version: string;
}

/** A registered model; `latest_versions` holds the newest version of each stage. */
export interface RegisteredModel {
  name: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  description?: string;
  latest_versions: ModelVersion[];
  tags: Tag[];
  aliases: ModelAlias[];
}

/** Kinds of pointer flips. */
export type DeploymentKind = 'promote' | 'rollback';

/** One pointer flip, as recorded. */
export interface Deployment {
  id: number;
  model: string;
  /** The version live before, null for the first promotion. */
  from_version: string | null;
  to_version: string;
  kind: DeploymentKind;
  actor: string;
  created_at: number;
}
