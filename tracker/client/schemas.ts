import * as z from 'zod';
import { Pointer } from '../../contracts/pointer.ts';

/*
 * What the tracker answers, as MLflow's REST API documents it. Parsing is lenient where MLflow's own
 * JSON is (int64 as number or string, empty lists and some defaults omitted, non-finite doubles as
 * "NaN"/"Infinity") and strict where a wrong answer would mislead the caller.
 */

const int64 = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);
const optionalInt64 = int64.nullish().transform((v) => v ?? undefined);
const double = z.union([
  z.number(),
  z.enum(['NaN', 'Infinity', '-Infinity']).transform(Number),
  z.null().transform(() => Number.NaN),
]);
const optionalString = z
  .string()
  .nullish()
  .transform((v) => v ?? undefined);

/** A key/value pair (params, tags). */
export const KeyValue = z.object({ key: z.string(), value: z.string() });
/** A key/value pair (params, tags). */
export type KeyValue = z.output<typeof KeyValue>;

/** One metric point as the tracker returns it. */
export const MetricSchema = z.object({
  key: z.string(),
  value: double,
  timestamp: int64,
  step: int64.default(0),
});

/** One metric point. `timestamp` (epoch ms) defaults to now and `step` to 0 when logging. */
export interface Metric {
  key: string;
  value: number;
  timestamp?: number;
  step?: number;
}

/** MLflow's run statuses. */
export const RunStatus = z.enum(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']);
/** A run status. */
export type RunStatus = z.output<typeof RunStatus>;

/** `run.info`. */
export const RunInfo = z.object({
  run_id: z.string().min(1),
  experiment_id: z.string(),
  run_name: z.string().default(''),
  user_id: optionalString,
  status: RunStatus,
  start_time: int64,
  end_time: optionalInt64,
  artifact_uri: z.string(),
  lifecycle_stage: z.string(),
});
/** `run.info`. */
export type RunInfo = z.output<typeof RunInfo>;

/** A run: its info and the latest value of every metric, its params and tags. */
export const Run = z.object({
  info: RunInfo,
  data: z
    .object({
      metrics: z.array(MetricSchema).default([]),
      params: z.array(KeyValue).default([]),
      tags: z.array(KeyValue).default([]),
    })
    .default({ metrics: [], params: [], tags: [] }),
});
/** A run. */
export type Run = z.output<typeof Run>;

/** An experiment. */
export const Experiment = z.object({
  experiment_id: z.string(),
  name: z.string(),
  artifact_location: optionalString,
  lifecycle_stage: z.string(),
});

/** An experiment. */
export type Experiment = z.output<typeof Experiment>;

/** A page of runs/search. */
export const RunsPage = z.object({ runs: z.array(Run).default([]), next_page_token: optionalString });

/** A page of experiments/search. */
export const ExperimentsPage = z.object({
  experiments: z.array(Experiment).default([]),
  next_page_token: optionalString,
});

/** One point of get-history-bulk-interval: a metric point with its run. */
export const MetricWithRunId = MetricSchema.extend({ run_id: z.string() });
/** One point of get-history-bulk-interval. */
export type MetricWithRunId = z.output<typeof MetricWithRunId>;

/** A dataset a run used (MLflow's log-inputs); `source`, `schema`, `profile` are JSON text. */
export interface DatasetInput {
  dataset: { name: string; digest: string; source_type: string; source: string; schema?: string; profile?: string };
  tags?: KeyValue[];
}

/** A model version (`version` is a string, as in MLflow). */
export const ModelVersion = z.object({
  name: z.string(),
  version: z.union([z.string().regex(/^\d+$/), z.number().int().transform(String)]),
  creation_timestamp: optionalInt64,
  last_updated_timestamp: optionalInt64,
  current_stage: optionalString,
  description: optionalString,
  source: z.string(),
  run_id: optionalString,
  status: optionalString,
  status_message: optionalString,
  tags: z.array(KeyValue).default([]),
  aliases: z.array(z.string()).default([]),
});
/** A model version. */
export type ModelVersion = z.output<typeof ModelVersion>;

/** A registered model; `latest_versions` is the newest version of each stage. */
export const RegisteredModel = z.object({
  name: z.string(),
  creation_timestamp: optionalInt64,
  last_updated_timestamp: optionalInt64,
  description: optionalString,
  latest_versions: z.array(ModelVersion).default([]),
  tags: z.array(KeyValue).default([]),
  aliases: z.array(z.object({ alias: z.string(), version: z.string() })).default([]),
});
/** A registered model. */
export type RegisteredModel = z.output<typeof RegisteredModel>;

/** A page of model-versions/search. */
export const ModelVersionsPage = z.object({
  model_versions: z.array(ModelVersion).default([]),
  next_page_token: optionalString,
});

/** A page of registered-models/search. */
export const RegisteredModelsPage = z.object({
  registered_models: z.array(RegisteredModel).default([]),
  next_page_token: optionalString,
});

/** One pointer flip as the tracker records it (who, when, from → to). */
export const DeploymentRecord = z.object({
  id: z.number().int().optional(),
  model: z.string(),
  from_version: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  to_version: z.string(),
  kind: z.string(),
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

export type { Pointer };
