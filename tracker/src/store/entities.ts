/*
 * The entities the tracker's store answers with: the wire shapes of `client/schemas.ts` (MLflow's field
 * names, so routes reply with them as they are; times are epoch ms), with the fields the store always
 * sets made required. Nothing here declares a shape of its own but the store's search page and what it
 * answers about predictions and their labels.
 */

import type { PredictionArm } from '../../../contracts/index.ts';
import type * as wire from '../../client/schemas.ts';
import { ModelStage, RunStatus } from '../../client/schemas.ts';

export type {
  Dataset,
  DatasetInput,
  DeploymentKind,
  ExperimentStats,
  LifecycleStage,
  Metric,
  MetricHistoryPage,
  MetricWithRunId,
  ModelAlias,
  ModelVersionStatus,
  RunData,
  RunStatus,
} from '../../client/schemas.ts';

/** A key/value tag (runs, experiments, registered models, model versions). */
export type Tag = wire.KeyValue;

/** A run param. */
export type Param = wire.KeyValue;

/** MLflow's run statuses. */
export const RUN_STATUSES = RunStatus.options;

/** MLflow's model version stages. */
export const STAGES = ModelStage.options;

/** A model version stage. */
export type Stage = wire.ModelStage;

/** An experiment. */
export type Experiment = wire.Experiment &
  Required<Pick<wire.Experiment, 'artifact_location' | 'creation_time' | 'last_update_time'>>;

/** `run.info`. `end_time` is absent while the run has none. */
export type RunInfo = wire.RunInfo & Required<Pick<wire.RunInfo, 'run_uuid' | 'user_id'>>;

/** A run as `runs/get` returns it. */
export type Run = Omit<wire.Run, 'info'> & { info: RunInfo };

/** A model version. */
export type ModelVersion = wire.ModelVersion &
  Required<Pick<wire.ModelVersion, 'creation_timestamp' | 'last_updated_timestamp' | 'current_stage' | 'status'>>;

/** A registered model; `latest_versions` holds the newest version of each stage. */
export type RegisteredModel = Omit<wire.RegisteredModel, 'latest_versions'> &
  Required<Pick<wire.RegisteredModel, 'creation_timestamp' | 'last_updated_timestamp'>> & {
    latest_versions: ModelVersion[];
  };

/** One pointer flip, as recorded. */
export type Deployment = wire.DeploymentRecord & Required<Pick<wire.DeploymentRecord, 'id' | 'actor'>>;

/** A page of search results. */
export interface SearchPage<T> {
  items: T[];
  next_page_token?: string;
}

/**
 * A pointer flip under way (or left half-done by a crash): recorded before KV is written, so that every
 * tracker can later tell whether the pointer moved (finish it) or not (give it up).
 */
export interface PendingFlip {
  id: number;
  model: string;
  to_version: string;
  /** The pointer JSON the flip writes, once decided; null while it has not been (KV untouched). */
  pointer: string | null;
  /** `<host>:<pid>` of the tracker running it. */
  owner: string;
  /** Until when the owner may finish it; epoch ms. */
  lease_until: number;
}

/** What a label is joined to: the stored prediction of its id. */
export interface PredictionRef {
  model: string;
  version: string;
  /** When the prediction was made (epoch ms). */
  time: number;
}

/** A prediction of a window with its label (if any). */
export interface LabeledPrediction {
  version: string;
  arm: PredictionArm;
  status: number;
  latency_ms: number;
  /** The output's class index or value; null for a failed request. */
  prediction: number | null;
  probability: number | null;
  label: number | null;
}

/** What a feedback ingest did: labels new to the store, and labels that changed a stored one. */
export interface FeedbackResult {
  stored: number;
  updated: number;
}
