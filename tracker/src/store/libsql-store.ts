import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type Client, createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import type { PredictionEvent } from '../../../contracts/index.ts';
import { AuthStore } from './auth-store.ts';
import * as deployments from './deployments.ts';
import type {
  DatasetInput,
  Deployment,
  Experiment,
  ExperimentStats,
  FeedbackResult,
  LabeledPrediction,
  MetricHistoryPage,
  MetricWithRunId,
  ModelVersion,
  PendingFlip,
  PredictionRef,
  RegisteredModel,
  Run,
  RunInfo,
  SearchPage,
  Stage,
} from './entities.ts';
import * as experiments from './experiments.ts';
import * as feedback from './feedback.ts';
import { GroupCommit } from './group-commit.ts';
import { requireActiveRun, runNotFound } from './guards.ts';
import { recordLoggedModel } from './logged-models.ts';
import { metricBulkInterval, metricBulkIntervalJson } from './metric-bulk-interval.ts';
import { metricHistoryJson, metricHistoryPage } from './metric-history.ts';
import { MIGRATIONS_FOLDER } from './migrations-folder.ts';
import * as aliases from './model-aliases.ts';
import * as versions from './model-versions.ts';
import * as predictions from './prediction-events.ts';
import { ingestPredictions } from './prediction-ingest.ts';
import * as rollups from './prediction-rollups.ts';
import * as references from './reference-profiles.ts';
import * as models from './registered-models.ts';
import { readRun } from './run-read.ts';
import * as runs from './runs.ts';
import type {
  BeginFlipInput,
  BulkIntervalInput,
  CreateExperimentInput,
  CreateModelVersionInput,
  CreateRegisteredModelInput,
  CreateRunInput,
  LabeledPredictionsInput,
  LogBatchInput,
  LogFeedbackInput,
  LogPredictionsInput,
  SearchInput,
  SearchPredictionsInput,
  TrackingStore,
  UpdateRunInput,
  ViewType,
} from './tracking-store.ts';
import { WriteLock } from './write-lock.ts';

/** Options of `openStore`. */
export interface StoreOptions {
  /** libSQL URL: `file:data/tracker.db`, `file:///abs/path.db`, `libsql://…` (Turso), `:memory:`. */
  url: string;
  authToken?: string;
  /** Folder of drizzle-kit's migrations (default: the repository's `migrations/`). */
  migrationsFolder?: string;
  /** Busy timeout in ms for a local file (default 5000). */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating if needed) the tracker's libSQL database and applies the migrations.
 *
 * A local file gets WAL, synchronous=NORMAL, a busy timeout and foreign keys. These PRAGMAs (except
 * WAL) hold per connection, and @libsql/client opens a pool of connections on a local file, so the
 * client is limited to one connection there: native calls are synchronous anyway, so a second
 * connection would add no parallelism, only connections without the PRAGMAs.
 */
export async function openStore(options: StoreOptions): Promise<LibsqlStore> {
  const local = localPath(options.url);
  if (local) mkdirSync(dirname(resolve(local)), { recursive: true });
  const client = createClient({
    url: options.url,
    authToken: options.authToken,
    ...(local !== undefined || options.url === ':memory:'
      ? { concurrency: 1, timeout: options.busyTimeoutMs ?? 5000 }
      : {}),
  });
  try {
    if (local) {
      await client.execute('PRAGMA journal_mode = WAL');
      await client.execute('PRAGMA synchronous = NORMAL');
      await client.execute(`PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
    }
    if (local !== undefined || options.url === ':memory:') await client.execute('PRAGMA foreign_keys = ON');
    await migrate(drizzle({ client }), { migrationsFolder: options.migrationsFolder ?? MIGRATIONS_FOLDER });
    await experiments.ensureDefaultExperiment(client);
    return new LibsqlStore(client);
  } catch (error) {
    client.close();
    throw error;
  }
}

/** The local file path of a `file:` URL ('' for none), undefined for remote URLs. */
export function localPath(url: string): string | undefined {
  if (!url.startsWith('file:')) return undefined;
  let rest = url.slice('file:'.length).split('?')[0]!;
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    rest = slash === -1 ? '' : rest.slice(slash);
  }
  return decodeURIComponent(rest);
}

/**
 * The libSQL implementation of `TrackingStore`: the one layer that serializes writes (the write lock, and
 * group commit for the run writes that come in numbers) and hands each call to the module of its entity,
 * which owns the SQL.
 */
export class LibsqlStore implements TrackingStore {
  readonly #client: Client;
  readonly #lock = new WriteLock();
  readonly #writes: GroupCommit;
  readonly #layouts: references.LayoutCache = new Map();
  readonly auth: AuthStore;

  constructor(client: Client) {
    this.#client = client;
    this.#writes = new GroupCommit(client, this.#lock);
    this.auth = new AuthStore(client, this.#lock);
  }

  /** The raw client, for tests and benchmarks that inspect the database. */
  get client(): Client {
    return this.#client;
  }

  async close(): Promise<void> {
    await this.#lock.run(async () => this.#client.close());
  }

  /** Runs `write` on the client under the write lock. */
  #write<T>(write: (client: Client) => Promise<T>): Promise<T> {
    return this.#lock.run(() => write(this.#client));
  }

  // ---- experiments -------------------------------------------------------------------------------

  createExperiment(input: CreateExperimentInput): Promise<string> {
    return this.#write((c) => experiments.createExperiment(c, input));
  }

  getExperiment(experimentId: string): Promise<Experiment> {
    return experiments.getExperiment(this.#client, experimentId);
  }

  getExperimentByName(name: string): Promise<Experiment> {
    return experiments.getExperimentByName(this.#client, name);
  }

  searchExperiments(input: SearchInput & { view_type: ViewType }): Promise<SearchPage<Experiment>> {
    return experiments.searchExperiments(this.#client, input);
  }

  renameExperiment(experimentId: string, newName: string): Promise<void> {
    return this.#write((c) => experiments.renameExperiment(c, experimentId, newName));
  }

  deleteExperiment(experimentId: string): Promise<void> {
    return this.#write((c) => experiments.deleteExperiment(c, experimentId));
  }

  restoreExperiment(experimentId: string): Promise<void> {
    return this.#write((c) => experiments.restoreExperiment(c, experimentId));
  }

  setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
    return this.#write((c) => experiments.setExperimentTag(c, experimentId, key, value));
  }

  experimentStats(experimentIds: string[]): Promise<ExperimentStats[]> {
    return experiments.experimentStats(this.#client, experimentIds);
  }

  // ---- runs --------------------------------------------------------------------------------------

  async createRun(input: CreateRunInput): Promise<Run> {
    // By group commit, with the logging requests: the experiment is checked in the group's look-up.
    return this.#writes.create(runs.newRun(input));
  }

  async getRun(runId: string): Promise<Run> {
    const run = await readRun(this.#client, runId);
    if (!run) throw runNotFound(runId);
    return run;
  }

  updateRun(runId: string, input: UpdateRunInput): Promise<RunInfo> {
    return this.#writes.update({ runId, status: input.status, endTime: input.end_time, runName: input.run_name });
  }

  async logBatch(runId: string, input: LogBatchInput): Promise<void> {
    const write = runs.runWrite(runId, input);
    // Nothing to write is still an error for a missing or inactive run, as MLflow answers.
    if (!write) await requireActiveRun(this.#client, runId);
    // By group commit: concurrent logging requests share one transaction, each one all or nothing.
    else await this.#writes.write(write);
  }

  searchRuns(input: SearchInput & { experiment_ids: string[]; run_view_type: ViewType }): Promise<SearchPage<Run>> {
    return runs.searchRuns(this.#client, input);
  }

  deleteRun(runId: string): Promise<void> {
    return this.#write((c) => runs.deleteRun(c, runId));
  }

  restoreRun(runId: string): Promise<void> {
    return this.#write((c) => runs.restoreRun(c, runId));
  }

  deleteTag(runId: string, key: string): Promise<void> {
    return this.#write((c) => runs.deleteTag(c, runId, key));
  }

  logInputs(runId: string, inputs: DatasetInput[]): Promise<void> {
    return this.#write((c) => runs.logInputs(c, runId, inputs));
  }

  recordLoggedModel(runId: string, model: Record<string, unknown>): Promise<void> {
    return this.#write((c) => recordLoggedModel(c, runId, model));
  }

  // ---- metrics -----------------------------------------------------------------------------------

  getMetricHistory(
    runId: string,
    key: string,
    page: { max_results: number; page_token?: string },
  ): Promise<MetricHistoryPage> {
    return metricHistoryPage(this.#client, runId, key, page.max_results, page.page_token);
  }

  getMetricHistoryJson(
    runId: string,
    key: string,
    page: { max_results: number; page_token?: string },
  ): Promise<string> {
    return metricHistoryJson(this.#client, runId, key, page.max_results, page.page_token);
  }

  getMetricHistoryBulkInterval(input: BulkIntervalInput): Promise<MetricWithRunId[]> {
    return metricBulkInterval(this.#client, input);
  }

  getMetricHistoryBulkIntervalJson(input: BulkIntervalInput): Promise<string> {
    return metricBulkIntervalJson(this.#client, input);
  }

  // ---- registered models -------------------------------------------------------------------------

  createRegisteredModel(input: CreateRegisteredModelInput): Promise<RegisteredModel> {
    return this.#write((c) => models.createRegisteredModel(c, input));
  }

  getRegisteredModel(name: string): Promise<RegisteredModel> {
    return models.getRegisteredModel(this.#client, name);
  }

  searchRegisteredModels(input: SearchInput): Promise<SearchPage<RegisteredModel>> {
    return models.searchRegisteredModels(this.#client, input);
  }

  renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel> {
    return this.#write((c) => models.renameRegisteredModel(c, name, newName));
  }

  updateRegisteredModel(name: string, description: string): Promise<RegisteredModel> {
    return this.#write((c) => models.updateRegisteredModel(c, name, description));
  }

  deleteRegisteredModel(name: string): Promise<void> {
    return this.#write((c) => models.deleteRegisteredModel(c, name));
  }

  getLatestVersions(name: string, stages?: string[]): Promise<ModelVersion[]> {
    return models.getLatestVersions(this.#client, name, stages);
  }

  setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    return this.#write((c) => models.setRegisteredModelTag(c, name, key, value));
  }

  deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    return this.#write((c) => models.deleteRegisteredModelTag(c, name, key));
  }

  // ---- model versions and aliases ----------------------------------------------------------------

  createModelVersion(input: CreateModelVersionInput): Promise<ModelVersion> {
    return this.#write((c) => versions.createModelVersion(c, input));
  }

  completeModelVersion(name: string, version: string, fileCount: number): Promise<ModelVersion> {
    return this.#write((c) => versions.completeModelVersion(c, name, version, fileCount));
  }

  discardModelVersion(name: string, version: string): Promise<void> {
    return this.#write((c) => versions.discardModelVersion(c, name, version));
  }

  getModelVersion(name: string, version: string): Promise<ModelVersion> {
    return versions.getModelVersion(this.#client, name, version);
  }

  searchModelVersions(input: SearchInput): Promise<SearchPage<ModelVersion>> {
    return versions.searchModelVersions(this.#client, input);
  }

  updateModelVersion(name: string, version: string, description: string): Promise<ModelVersion> {
    return this.#write((c) => versions.updateModelVersion(c, name, version, description));
  }

  deleteModelVersion(name: string, version: string): Promise<void> {
    return this.#write((c) => versions.deleteModelVersion(c, name, version));
  }

  transitionModelVersionStage(
    name: string,
    version: string,
    stage: Stage,
    archiveExisting: boolean,
    protectedVersion?: string,
  ): Promise<ModelVersion> {
    return this.#write((c) =>
      versions.transitionModelVersionStage(c, name, version, stage, archiveExisting, protectedVersion),
    );
  }

  setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    return this.#write((c) => versions.setModelVersionTag(c, name, version, key, value));
  }

  deleteModelVersionTag(name: string, version: string, key: string): Promise<void> {
    return this.#write((c) => versions.deleteModelVersionTag(c, name, version, key));
  }

  setAlias(name: string, alias: string, version: string): Promise<void> {
    return this.#write((c) => aliases.setAlias(c, name, alias, version));
  }

  deleteAlias(name: string, alias: string): Promise<void> {
    return this.#write((c) => aliases.deleteAlias(c, name, alias));
  }

  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    return aliases.getModelVersionByAlias(this.#client, name, alias);
  }

  // ---- prediction events -------------------------------------------------------------------------

  logPredictions(input: LogPredictionsInput): Promise<number> {
    return this.#write((c) => ingestPredictions(c, input, this.#layouts));
  }

  searchPredictions(input: SearchPredictionsInput): Promise<SearchPage<PredictionEvent>> {
    return predictions.searchPredictions(this.#client, input);
  }

  saveReferenceProfile(name: string, version: string, reference: references.NewReference): Promise<void> {
    return this.#write((c) => references.saveReference(c, name, version, reference, Date.now()));
  }

  getReferenceProfile(name: string, version: string): Promise<references.StoredReference | null> {
    return references.getReference(this.#client, name, version, this.#layouts);
  }

  readRollups(query: rollups.RollupQuery): Promise<rollups.RollupRow[]> {
    return rollups.readRollups(this.#client, query);
  }

  // ---- feedback ----------------------------------------------------------------------------------

  findPredictions(ids: readonly string[]): Promise<Map<string, PredictionRef>> {
    return feedback.findPredictions(this.#client, ids);
  }

  logFeedback(input: LogFeedbackInput): Promise<FeedbackResult> {
    return this.#write((c) => feedback.logFeedback(c, input));
  }

  labeledPredictions(input: LabeledPredictionsInput): Promise<LabeledPrediction[]> {
    return feedback.labeledPredictions(this.#client, input);
  }

  // ---- deployments -------------------------------------------------------------------------------

  beginFlip(input: BeginFlipInput): Promise<{ id: number } | { busy: PendingFlip }> {
    return this.#write((c) => deployments.beginFlip(c, input));
  }

  decideFlip(id: number, decision: { from_version: string | null; pointer: string }): Promise<void> {
    return this.#write((c) => deployments.decideFlip(c, id, decision));
  }

  completeFlip(id: number, alias: string): Promise<Deployment | null> {
    return this.#write((c) => deployments.completeFlip(c, id, alias));
  }

  failFlip(id: number): Promise<boolean> {
    return this.#write((c) => deployments.failFlip(c, id));
  }

  pendingFlips(): Promise<PendingFlip[]> {
    return deployments.pendingFlips(this.#client);
  }

  listDeployments(model: string, maxResults = 100): Promise<Deployment[]> {
    return deployments.listDeployments(this.#client, model, maxResults);
  }
}
