/*
 * The tracker's store, as the HTTP layer and promotion see it. Entities are MLflow-shaped (field names
 * as MLflow's REST API spells them) so routes reply with them as they are. Times are epoch ms.
 * Every method either does all it says or nothing, and reports failures as `MlflowError`.
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

/** A run as `runs/get` returns it. */
export interface Run {
  info: RunInfo;
  data: RunData;
  inputs: { dataset_inputs: unknown[] };
}

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

/** Input of `createRun`. */
export interface CreateRunInput {
  experiment_id: string;
  user_id?: string;
  run_name?: string;
  start_time?: number;
  tags?: Tag[];
}

/** Input of `updateRun`; absent fields are left as they are. */
export interface UpdateRunInput {
  status?: RunStatus;
  end_time?: number;
  run_name?: string;
}

/** Input of `logBatch`. */
export interface LogBatchInput {
  metrics?: Metric[];
  params?: Param[];
  tags?: Tag[];
}

/** A page of a metric's history. */
export interface MetricHistoryPage {
  metrics: Metric[];
  next_page_token?: string;
}

/** Input of `createModelVersion`. */
export interface CreateModelVersionInput {
  name: string;
  source: string;
  run_id?: string;
  run_link?: string;
  description?: string;
  tags?: Tag[];
}

/** Input of `recordDeployment`. */
export interface RecordDeploymentInput {
  model: string;
  from_version: string | null;
  to_version: string;
  kind: DeploymentKind;
  actor: string;
  created_at: number;
  /** An alias to point at `to_version` in the same transaction (the production alias). */
  alias?: string;
}

/** The tracker's persistent state. */
export interface TrackingStore {
  createExperiment(input: { name: string; artifact_location?: string; tags?: Tag[] }): Promise<string>;
  getExperiment(experimentId: string): Promise<Experiment>;
  getExperimentByName(name: string): Promise<Experiment>;
  /** Active experiments, newest first (the home page; search comes later). */
  listExperiments(maxResults: number): Promise<Experiment[]>;

  createRun(input: CreateRunInput): Promise<Run>;
  getRun(runId: string): Promise<Run>;
  updateRun(runId: string, input: UpdateRunInput): Promise<RunInfo>;
  /**
   * Appends metrics (and updates their latest values), logs params (a param's value never changes;
   * the same value again is fine) and sets tags, all or nothing.
   */
  logBatch(runId: string, input: LogBatchInput): Promise<void>;
  /** A metric's history in (step, timestamp) order; `page_token` comes from the previous page. */
  getMetricHistory(
    runId: string,
    key: string,
    page: { max_results: number; page_token?: string },
  ): Promise<MetricHistoryPage>;

  createRegisteredModel(input: { name: string; description?: string; tags?: Tag[] }): Promise<RegisteredModel>;
  getRegisteredModel(name: string): Promise<RegisteredModel>;
  /** Registered models, most recently updated first (the home page; search comes later). */
  listRegisteredModels(maxResults: number): Promise<RegisteredModel[]>;
  /** Allocates the next version number and records it as PENDING_REGISTRATION. */
  createModelVersion(input: CreateModelVersionInput): Promise<ModelVersion>;
  /** Marks a pending version READY (with how many files it holds) once its files are in place. */
  completeModelVersion(name: string, version: string, fileCount: number): Promise<ModelVersion>;
  /** Removes a version whose registration failed (only a pending one). */
  discardModelVersion(name: string, version: string): Promise<void>;
  getModelVersion(name: string, version: string): Promise<ModelVersion>;

  setAlias(name: string, alias: string, version: string): Promise<void>;
  deleteAlias(name: string, alias: string): Promise<void>;
  /** The version an alias names, or RESOURCE_DOES_NOT_EXIST. */
  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion>;

  /** Records a pointer flip (and moves `alias` to the new version) in one transaction. */
  recordDeployment(input: RecordDeploymentInput): Promise<Deployment>;
  /** A model's pointer flips, newest first. */
  listDeployments(model: string, maxResults?: number): Promise<Deployment[]>;

  close(): Promise<void>;
}
