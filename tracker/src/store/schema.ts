import { sql } from 'drizzle-orm';
import {
  blob,
  foreignKey,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';

/*
 * The tracker's tables. Times are epoch milliseconds (MLflow's unit). Ids MLflow exposes as strings
 * (experiment ids, model version numbers) are integers here and strings at the API.
 *
 * The read paths and their indexes:
 * - runs of some experiments, in start_time order, optionally by status/name: `runs_experiment_idx`;
 * - `params.k = v`, `tags.k = v`: `(key, value, run_uuid)` covering indexes, so a filter is one range scan;
 * - `metrics.k > x` and order by a metric: `latest_metrics (key, value, run_uuid)`, one row per run and key,
 *   so search never reads the history;
 * - a metric's history of one run: the unique index of `metrics` (also MLflow's primary key, so an
 *   identical point logged twice is stored once).
 */

/** Experiments. Id "0" ("Default") is created when the store opens. */
export const experiments = sqliteTable(
  'experiments',
  {
    experimentId: integer('experiment_id').primaryKey(),
    name: text('name').notNull(),
    artifactLocation: text('artifact_location').notNull(),
    lifecycleStage: text('lifecycle_stage', { enum: ['active', 'deleted'] })
      .notNull()
      .default('active'),
    creationTime: integer('creation_time').notNull(),
    lastUpdateTime: integer('last_update_time').notNull(),
  },
  (t) => [uniqueIndex('experiments_name_idx').on(t.name), index('experiments_stage_idx').on(t.lifecycleStage)],
);

/** Experiment tags (one value per key). */
export const experimentTags = sqliteTable(
  'experiment_tags',
  {
    experimentId: integer('experiment_id')
      .notNull()
      .references(() => experiments.experimentId, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    value: text('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.experimentId, t.key] })],
);

/** Runs. `run_uuid` is a 32-hex uuid. */
export const runs = sqliteTable(
  'runs',
  {
    runUuid: text('run_uuid').primaryKey(),
    experimentId: integer('experiment_id')
      .notNull()
      .references(() => experiments.experimentId, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    userId: text('user_id').notNull().default(''),
    status: text('status', { enum: ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] })
      .notNull()
      .default('RUNNING'),
    startTime: integer('start_time').notNull(),
    endTime: integer('end_time'),
    lifecycleStage: text('lifecycle_stage', { enum: ['active', 'deleted'] })
      .notNull()
      .default('active'),
    artifactUri: text('artifact_uri').notNull(),
    /** When the run was deleted (for garbage collection), null while active. */
    deletedTime: integer('deleted_time'),
  },
  (t) => [
    index('runs_experiment_idx').on(t.experimentId, t.lifecycleStage, t.startTime, t.runUuid),
    index('runs_experiment_name_idx').on(t.experimentId, t.name),
    index('runs_status_idx').on(t.status),
  ],
);

/** Run params: written once, never changed. */
export const params = sqliteTable(
  'params',
  {
    runUuid: text('run_uuid')
      .notNull()
      .references(() => runs.runUuid, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    value: text('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.runUuid, t.key] }), index('params_key_value_idx').on(t.key, t.value, t.runUuid)],
);

/** Run tags (one value per key; `mlflow.*` system tags included). */
export const tags = sqliteTable(
  'tags',
  {
    runUuid: text('run_uuid')
      .notNull()
      .references(() => runs.runUuid, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    value: text('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.runUuid, t.key] }), index('tags_key_value_idx').on(t.key, t.value, t.runUuid)],
);

/**
 * Metric history, append only. `value` NULL stands for NaN (SQLite stores NaN as NULL anyway).
 * No foreign key: this is the ingest hot path, and the run is checked once per request instead.
 */
export const metrics = sqliteTable(
  'metrics',
  {
    runUuid: text('run_uuid').notNull(),
    key: text('key').notNull(),
    step: integer('step').notNull().default(0),
    timestamp: integer('timestamp').notNull(),
    value: real('value'),
  },
  (t) => [uniqueIndex('metrics_point_idx').on(t.runUuid, t.key, t.step, t.timestamp, t.value)],
);

/**
 * The latest point of every metric of a run: the one with the greatest (step, timestamp, value), as
 * MLflow defines it. What run views and metric searches read.
 */
export const latestMetrics = sqliteTable(
  'latest_metrics',
  {
    runUuid: text('run_uuid').notNull(),
    key: text('key').notNull(),
    step: integer('step').notNull(),
    timestamp: integer('timestamp').notNull(),
    value: real('value'),
  },
  (t) => [
    primaryKey({ columns: [t.runUuid, t.key] }),
    index('latest_metrics_key_value_idx').on(t.key, t.value, t.runUuid),
  ],
);

/** Registered models. */
export const registeredModels = sqliteTable(
  'registered_models',
  {
    name: text('name').primaryKey(),
    creationTime: integer('creation_time').notNull(),
    lastUpdatedTime: integer('last_updated_time').notNull(),
    description: text('description').notNull().default(''),
    /** The highest version number ever given, so a deleted version's number is never reused. */
    lastVersion: integer('last_version').notNull().default(0),
  },
  (t) => [index('registered_models_updated_idx').on(t.lastUpdatedTime)],
);

/** Registered model tags. */
export const registeredModelTags = sqliteTable(
  'registered_model_tags',
  {
    name: text('name')
      .notNull()
      .references(() => registeredModels.name, { onDelete: 'cascade', onUpdate: 'cascade' }),
    key: text('key').notNull(),
    value: text('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.name, t.key] })],
);

/**
 * Model versions. Files live in R2 under `models/<name>/<version>/`, copied from `source` at creation.
 * `status` is PENDING_REGISTRATION while the files are copied, then READY.
 */
export const modelVersions = sqliteTable(
  'model_versions',
  {
    name: text('name')
      .notNull()
      .references(() => registeredModels.name, { onDelete: 'cascade', onUpdate: 'cascade' }),
    version: integer('version').notNull(),
    creationTime: integer('creation_time').notNull(),
    lastUpdatedTime: integer('last_updated_time').notNull(),
    description: text('description').notNull().default(''),
    userId: text('user_id').notNull().default(''),
    currentStage: text('current_stage', { enum: ['None', 'Staging', 'Production', 'Archived'] })
      .notNull()
      .default('None'),
    source: text('source').notNull(),
    runId: text('run_id'),
    runLink: text('run_link'),
    status: text('status', { enum: ['PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY'] })
      .notNull()
      .default('READY'),
    statusMessage: text('status_message'),
    /** How many files were copied into the version's prefix. */
    fileCount: integer('file_count').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.name, t.version] }),
    index('model_versions_run_idx').on(t.runId),
    index('model_versions_stage_idx').on(t.name, t.currentStage, t.version),
  ],
);

/** Model version tags. */
export const modelVersionTags = sqliteTable(
  'model_version_tags',
  {
    name: text('name').notNull(),
    version: integer('version').notNull(),
    key: text('key').notNull(),
    value: text('value').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.name, t.version, t.key] }),
    foreignKey({ columns: [t.name, t.version], foreignColumns: [modelVersions.name, modelVersions.version] })
      .onDelete('cascade')
      .onUpdate('cascade'),
  ],
);

/** Registered model aliases: one version per (model, alias). */
export const modelAliases = sqliteTable(
  'registered_model_aliases',
  {
    name: text('name').notNull(),
    alias: text('alias').notNull(),
    version: integer('version').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.name, t.alias] }),
    foreignKey({ columns: [t.name, t.version], foreignColumns: [modelVersions.name, modelVersions.version] })
      .onDelete('cascade')
      .onUpdate('cascade'),
  ],
);

/** Every pointer flip at the edge: promotions and rollbacks, who and when, from which version to which. */
export const deployments = sqliteTable(
  'deployments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    model: text('model')
      .notNull()
      .references(() => registeredModels.name, { onDelete: 'cascade', onUpdate: 'cascade' }),
    fromVersion: integer('from_version'),
    toVersion: integer('to_version').notNull(),
    kind: text('kind', { enum: ['promote', 'rollback'] }).notNull(),
    actor: text('actor').notNull(),
    createdAt: integer('created_at').notNull(),
    /**
     * `pending` from the moment a flip is decided until the pointer is written and the registry follows
     * (`done`), or until it is given up (`failed`: the pointer was never written, or was put back).
     */
    state: text('state', { enum: ['pending', 'done', 'failed'] })
      .notNull()
      .default('done'),
    /** The exact pointer JSON a pending flip writes to KV (null until decided): what reconciliation compares. */
    pointer: text('pointer'),
    /** Who runs a pending flip: `<host>:<pid>` of the tracker process (a dead local owner is reconciled at once). */
    owner: text('owner'),
    /** Until when a pending flip's owner may still finish it; after that any tracker may reconcile it. */
    leaseUntil: integer('lease_until'),
  },
  (t) => [
    index('deployments_model_idx').on(t.model, t.id),
    // one flip under way per model, across every tracker on the database
    uniqueIndex('deployments_one_pending_idx').on(t.model).where(sql`state = 'pending'`),
  ],
);

/**
 * Datasets a run used (MLflow's `log-inputs`), one row per (experiment, name, digest) as MLflow
 * deduplicates them. `source` and `schema`/`profile` are opaque JSON text from the client.
 */
export const datasets = sqliteTable(
  'datasets',
  {
    datasetUuid: text('dataset_uuid').primaryKey(),
    experimentId: integer('experiment_id')
      .notNull()
      .references(() => experiments.experimentId, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    digest: text('digest').notNull(),
    sourceType: text('source_type').notNull(),
    source: text('source').notNull(),
    schema: text('schema'),
    profile: text('profile'),
  },
  (t) => [uniqueIndex('datasets_experiment_name_digest_idx').on(t.experimentId, t.name, t.digest)],
);

/** Lineage: which runs used which datasets. */
export const runInputs = sqliteTable(
  'run_inputs',
  {
    runUuid: text('run_uuid')
      .notNull()
      .references(() => runs.runUuid, { onDelete: 'cascade' }),
    datasetUuid: text('dataset_uuid')
      .notNull()
      .references(() => datasets.datasetUuid, { onDelete: 'cascade' }),
    /** Order the run logged its inputs in. */
    position: integer('position').notNull(),
  },
  (t) => [primaryKey({ columns: [t.runUuid, t.datasetUuid] }), index('run_inputs_dataset_idx').on(t.datasetUuid)],
);

/** Tags of a run's input (e.g. `mlflow.data.context` = "training"). */
export const runInputTags = sqliteTable(
  'run_input_tags',
  {
    runUuid: text('run_uuid').notNull(),
    datasetUuid: text('dataset_uuid').notNull(),
    key: text('key').notNull(),
    value: text('value').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.runUuid, t.datasetUuid, t.key] }),
    index('run_input_tags_key_value_idx').on(t.key, t.value, t.runUuid),
    foreignKey({
      columns: [t.runUuid, t.datasetUuid],
      foreignColumns: [runInputs.runUuid, runInputs.datasetUuid],
    }).onDelete('cascade'),
  ],
);

/**
 * Prediction events from the edge, one row per `prediction_id` (a batch delivered twice is stored once),
 * `seq` in ingest order (the paging key). `inputs` is the JSON array of raw input values; `output_*` are
 * null for a failed request. Rows older than the retention are deleted at ingest.
 */
export const predictionEvents = sqliteTable(
  'prediction_events',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    predictionId: text('prediction_id').notNull(),
    model: text('model').notNull(),
    version: integer('version').notNull(),
    arm: text('arm', { enum: ['live', 'canary', 'shadow', 'pinned'] }).notNull(),
    time: integer('time').notNull(),
    inputs: text('inputs').notNull(),
    outputPrediction: real('output_prediction'),
    outputProbability: real('output_probability'),
    outputLabel: text('output_label'),
    latencyMs: real('latency_ms').notNull(),
    status: integer('status').notNull(),
  },
  (t) => [
    uniqueIndex('prediction_events_id_idx').on(t.predictionId),
    index('prediction_events_model_idx').on(t.model, t.version, t.seq),
    index('prediction_events_time_idx').on(t.time),
  ],
);

/**
 * A model version's reference profile: `reference.json` from its files (`training`), or its first
 * served events (`live`: `profile` is null while they are collected; `spec` holds the signature's input
 * names and output field to build it with). `id` is never reused, so a profile can be cached by it.
 */
export const referenceProfiles = sqliteTable(
  'reference_profiles',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    version: integer('version').notNull(),
    source: text('source', { enum: ['training', 'live'] }).notNull(),
    profile: text('profile'),
    spec: text('spec'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('reference_profiles_version_idx').on(t.name, t.version),
    foreignKey({ columns: [t.name, t.version], foreignColumns: [modelVersions.name, modelVersions.version] })
      .onDelete('cascade')
      .onUpdate('cascade'),
  ],
);

/**
 * Prediction events summed per model, version, arm and minute (`minute`: epoch ms of its start), written
 * in the transaction that stores the events. `latency` holds counts per latency bucket (Uint32 LE);
 * `hist` counts per bin of the version's reference profile (`reference_id`) for every input and the
 * output, over the `binned` events (successful, not part of the reference); `sample` a bounded sample of
 * those events (Float64 LE rows: hash of the prediction id, input values, output value), the ones with
 * the smallest hashes.
 */
export const predictionRollups = sqliteTable(
  'prediction_rollups',
  {
    model: text('model').notNull(),
    version: integer('version').notNull(),
    arm: text('arm', { enum: ['live', 'canary', 'shadow', 'pinned'] }).notNull(),
    minute: integer('minute').notNull(),
    count: integer('count').notNull(),
    errors: integer('errors').notNull(),
    latency: blob('latency', { mode: 'buffer' }).notNull(),
    latencySum: real('latency_sum').notNull(),
    latencyMax: real('latency_max').notNull(),
    referenceId: integer('reference_id'),
    binned: integer('binned').notNull().default(0),
    hist: blob('hist', { mode: 'buffer' }),
    sample: blob('sample', { mode: 'buffer' }),
  },
  (t) => [
    primaryKey({ columns: [t.model, t.version, t.arm, t.minute] }),
    index('prediction_rollups_model_minute_idx').on(t.model, t.minute),
    index('prediction_rollups_minute_idx').on(t.minute),
  ],
);

/**
 * Ground truth of predictions, one label per `prediction_id` (joined to `prediction_events` by it): the label as
 * a number (a regression's value, or a class index of the model's signature) and the time the edge received it
 * (the later wins). Labels older than the predictions' retention are deleted at ingest, by `feedback_time_idx`.
 */
export const predictionFeedback = sqliteTable(
  'prediction_feedback',
  {
    predictionId: text('prediction_id').primaryKey(),
    label: real('label').notNull(),
    time: integer('time').notNull(),
  },
  (t) => [index('feedback_time_idx').on(t.time)],
);

/*
 * Identities and permissions (used when auth is on). Users and the two permission tables are MLflow's
 * basic-auth app's; API tokens and sessions are edgeflow's. Secrets are never stored: a password as
 * its scrypt hash (`password-hash.ts`), a token or session id as its SHA-256.
 */

/** Users: MLflow's `users`. */
export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey(),
    username: text('username').notNull(),
    /** `scrypt$N$r$p$<salt>$<hash>` (base64url), see `password-hash.ts`. */
    passwordHash: text('password_hash').notNull(),
    isAdmin: integer('is_admin', { mode: 'boolean' }).notNull().default(false),
    creationTime: integer('creation_time').notNull(),
  },
  (t) => [uniqueIndex('users_username_idx').on(t.username)],
);

/** One user's permission on one experiment: MLflow's `experiment_permissions`. */
export const experimentPermissions = sqliteTable(
  'experiment_permissions',
  {
    experimentId: integer('experiment_id')
      .notNull()
      .references(() => experiments.experimentId, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    permission: text('permission', { enum: ['READ', 'EDIT', 'MANAGE', 'NO_PERMISSIONS'] }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.experimentId, t.userId] }), index('experiment_permissions_user_idx').on(t.userId)],
);

/** One user's permission on one registered model: MLflow's `registered_model_permissions`; follows a rename. */
export const registeredModelPermissions = sqliteTable(
  'registered_model_permissions',
  {
    name: text('name')
      .notNull()
      .references(() => registeredModels.name, { onDelete: 'cascade', onUpdate: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    permission: text('permission', { enum: ['READ', 'EDIT', 'MANAGE', 'NO_PERMISSIONS'] }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.name, t.userId] }), index('registered_model_permissions_user_idx').on(t.userId)],
);

/**
 * API tokens: a user's named, expiring bearer credentials. `scope` `ingest` limits one to logging
 * prediction events (the worker's token).
 */
export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: integer('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** SHA-256 of the token, hex. */
    tokenHash: text('token_hash').notNull(),
    scope: text('scope', { enum: ['all', 'ingest'] })
      .notNull()
      .default('all'),
    creationTime: integer('creation_time').notNull(),
    expiryTime: integer('expiry_time').notNull(),
    revokedTime: integer('revoked_time'),
  },
  (t) => [uniqueIndex('api_tokens_hash_idx').on(t.tokenHash), index('api_tokens_user_idx').on(t.userId)],
);

/** Dashboard sessions: the cookie's id as its SHA-256, and the CSRF token bound to it. */
export const sessions = sqliteTable(
  'sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    csrfToken: text('csrf_token').notNull(),
    creationTime: integer('creation_time').notNull(),
    expiryTime: integer('expiry_time').notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);
