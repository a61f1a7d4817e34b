/*
 * The tracker's store, as the HTTP layer and promotion see it, with the inputs of its methods; what it
 * answers with is in `entities.ts`. Every method either does all it says or nothing, and reports
 * failures as `MlflowError`.
 */

import type { PredictionEvent } from '../../../contracts/index.ts';
import type { ViewType } from '../../client/schemas.ts';
import type { AuthStore } from './auth-store.ts';
import type {
  DatasetInput,
  Deployment,
  Experiment,
  ExperimentStats,
  FeedbackResult,
  LabeledPrediction,
  Metric,
  MetricHistoryPage,
  MetricWithRunId,
  ModelVersion,
  Param,
  PendingFlip,
  PredictionRef,
  RegisteredModel,
  Run,
  RunInfo,
  RunStatus,
  SearchPage,
  Stage,
  Tag,
} from './entities.ts';
import type { RollupQuery, RollupRow } from './prediction-rollups.ts';
import type { NewReference, StoredReference } from './reference-profiles.ts';

export type { ViewType };

/** A search request: MLflow's filter grammar, order_by clauses, page size and opaque token. */
export interface SearchInput {
  filter?: string;
  order_by?: string[];
  max_results: number;
  page_token?: string;
}

/** Input of `createExperiment`. */
export interface CreateExperimentInput {
  name: string;
  artifact_location?: string;
  tags?: Tag[];
}

/** Input of `createRegisteredModel`. */
export interface CreateRegisteredModelInput {
  name: string;
  description?: string;
  tags?: Tag[];
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

/** Input of get-history-bulk-interval: one metric of several runs, sampled to `max_results` steps. */
export interface BulkIntervalInput {
  run_ids: string[];
  metric_key: string;
  start_step?: number;
  end_step?: number;
  max_results: number;
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

/** Input of `beginFlip`: the deployment to be, without its id, and who holds it for how long. */
export interface BeginFlipInput extends Omit<Deployment, 'id' | 'from_version'> {
  owner: string;
  lease_until: number;
}

/** Input of `logPredictions`: events to store, and the retention's cutoff (epoch ms). */
export interface LogPredictionsInput {
  events: readonly PredictionEvent[];
  /** Events older than this are not stored, and a bounded chunk of the stored ones (and of the rollups) is deleted. */
  deleteBefore: number;
  /** How many successful events of a version without a training reference become its live reference (default 1,000). */
  referenceEvents?: number;
  /** The time a live reference is recorded as made at (default: now). */
  now?: number;
}

/** Input of `searchPredictions`. */
export interface SearchPredictionsInput {
  model?: string;
  version?: string;
  max_results: number;
  page_token?: string;
}

/** Input of `logFeedback`: labels resolved to numbers (class index or value), and the retention's cutoff. */
export interface LogFeedbackInput {
  labels: ReadonlyArray<{ prediction_id: string; label: number; time: number }>;
  /** Labels older than this go (a bounded chunk per ingest), as their predictions do. */
  deleteBefore: number;
}

/** Input of `labeledPredictions`: a model's (and version's) predictions made in [`start`, `end`) (epoch ms). */
export interface LabeledPredictionsInput {
  model: string;
  version?: string;
  start: number;
  end: number;
}

/** The tracker's persistent state. */
export interface TrackingStore {
  /** Users, API tokens, sessions and permissions (see `AuthStore`). */
  readonly auth: AuthStore;

  createExperiment(input: CreateExperimentInput): Promise<string>;
  getExperiment(experimentId: string): Promise<Experiment>;
  getExperimentByName(name: string): Promise<Experiment>;

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
  /** `getMetricHistory`'s page as the JSON body `metrics/get-history` replies with (built without JS objects). */
  getMetricHistoryJson(runId: string, key: string, page: { max_results: number; page_token?: string }): Promise<string>;

  createRegisteredModel(input: CreateRegisteredModelInput): Promise<RegisteredModel>;
  getRegisteredModel(name: string): Promise<RegisteredModel>;
  /** Allocates the next version number and records it as PENDING_REGISTRATION. */
  createModelVersion(input: CreateModelVersionInput): Promise<ModelVersion>;
  /** Marks a pending version READY (with how many files it holds) once its files are in place. */
  completeModelVersion(name: string, version: string, fileCount: number): Promise<ModelVersion>;
  /** Removes a version whose registration failed (only a pending one). */
  discardModelVersion(name: string, version: string): Promise<void>;
  getModelVersion(name: string, version: string): Promise<ModelVersion>;

  setAlias(name: string, alias: string, version: string): Promise<void>;
  deleteAlias(name: string, alias: string): Promise<void>;
  /** The version an alias names, or INVALID_PARAMETER_VALUE (as MLflow) when the alias does not exist. */
  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion>;

  /**
   * Records a flip as pending: at most one per model across every process on the database. When another
   * is pending, answers it instead (nothing written), so the caller can wait for it or reconcile it.
   */
  beginFlip(input: BeginFlipInput): Promise<{ id: number } | { busy: PendingFlip }>;
  /** Writes down what a pending flip is about to put into KV (and the version it replaces). */
  decideFlip(id: number, decision: { from_version: string | null; pointer: string }): Promise<void>;
  /**
   * Finishes a pending flip: marks it done and points `alias` at its version, in one transaction. Answers
   * the deployment when it is done (now or already), null when it was given up meanwhile.
   */
  completeFlip(id: number, alias: string): Promise<Deployment | null>;
  /** Gives a pending flip up (its pointer was never written, or was put back); false when it was not pending. */
  failFlip(id: number): Promise<boolean>;
  /** Every pending flip, oldest first. */
  pendingFlips(): Promise<PendingFlip[]>;
  /** A model's pointer flips that were done, newest first. */
  listDeployments(model: string, maxResults?: number): Promise<Deployment[]>;

  searchExperiments(input: SearchInput & { view_type: ViewType }): Promise<SearchPage<Experiment>>;
  renameExperiment(experimentId: string, newName: string): Promise<void>;
  /** Marks the experiment and its runs deleted. */
  deleteExperiment(experimentId: string): Promise<void>;
  /** Marks a deleted experiment and its runs active again. */
  restoreExperiment(experimentId: string): Promise<void>;
  setExperimentTag(experimentId: string, key: string, value: string): Promise<void>;
  /** Active run count and latest run start of each experiment named (unknown ids count 0). */
  experimentStats(experimentIds: string[]): Promise<ExperimentStats[]>;

  searchRuns(input: SearchInput & { experiment_ids: string[]; run_view_type: ViewType }): Promise<SearchPage<Run>>;
  deleteRun(runId: string): Promise<void>;
  restoreRun(runId: string): Promise<void>;
  deleteTag(runId: string, key: string): Promise<void>;
  /** Records datasets a run used (deduplicated per experiment by name and digest). */
  logInputs(runId: string, inputs: DatasetInput[]): Promise<void>;
  /** Appends a logged model (MLflow's model info) to the run's `mlflow.log-model.history` tag. */
  recordLoggedModel(runId: string, model: Record<string, unknown>): Promise<void>;
  /** Sampled history of one metric of several runs (MLflow's get-history-bulk-interval). */
  getMetricHistoryBulkInterval(input: BulkIntervalInput): Promise<MetricWithRunId[]>;
  /** `getMetricHistoryBulkInterval` as the JSON body get-history-bulk-interval replies with (built by SQLite, exact values). */
  getMetricHistoryBulkIntervalJson(input: BulkIntervalInput): Promise<string>;

  searchRegisteredModels(input: SearchInput): Promise<SearchPage<RegisteredModel>>;
  renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel>;
  updateRegisteredModel(name: string, description: string): Promise<RegisteredModel>;
  /** Deletes a model with its versions, tags, aliases and deployment records. */
  deleteRegisteredModel(name: string): Promise<void>;
  /** The newest version in each stage (or in each of `stages`). */
  getLatestVersions(name: string, stages?: string[]): Promise<ModelVersion[]>;
  setRegisteredModelTag(name: string, key: string, value: string): Promise<void>;
  deleteRegisteredModelTag(name: string, key: string): Promise<void>;

  searchModelVersions(input: SearchInput): Promise<SearchPage<ModelVersion>>;
  updateModelVersion(name: string, version: string, description: string): Promise<ModelVersion>;
  deleteModelVersion(name: string, version: string): Promise<void>;
  /**
   * Moves a version to a stage; with `archiveExisting`, the other versions in that stage (for None and
   * Archived: none) go to Archived — except that archiving `protectedVersion` (the live one) is
   * refused with INVALID_STATE, all or nothing.
   */
  transitionModelVersionStage(
    name: string,
    version: string,
    stage: Stage,
    archiveExisting: boolean,
    protectedVersion?: string,
  ): Promise<ModelVersion>;
  setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void>;
  deleteModelVersionTag(name: string, version: string, key: string): Promise<void>;

  /**
   * Stores prediction events once each (by `prediction_id`) and adds the new ones to the per-minute
   * rollups in the same transaction; answers how many were new.
   */
  logPredictions(input: LogPredictionsInput): Promise<number>;
  /** Stored prediction events, newest ingested first. */
  searchPredictions(input: SearchPredictionsInput): Promise<SearchPage<PredictionEvent>>;
  /** Records a version's reference profile, or that one is to be built from its first events. */
  saveReferenceProfile(name: string, version: string, reference: NewReference): Promise<void>;
  /** A version's reference profile (null: none, not even one being collected). */
  getReferenceProfile(name: string, version: string): Promise<StoredReference | null>;
  /** Per-minute rollups of a model's prediction events. */
  readRollups(query: RollupQuery): Promise<RollupRow[]>;
  /** The stored predictions among `ids`, by id. */
  findPredictions(ids: readonly string[]): Promise<Map<string, PredictionRef>>;
  /** Stores labels of predictions, one per id (the later label wins); answers how many were new and changed. */
  logFeedback(input: LogFeedbackInput): Promise<FeedbackResult>;
  /** Predictions of a window joined to their labels. */
  labeledPredictions(input: LabeledPredictionsInput): Promise<LabeledPrediction[]>;

  close(): Promise<void>;
}
