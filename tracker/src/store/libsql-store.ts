import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Client, createClient, type InArgs, type InStatement } from '@libsql/client';
import { and, asc, desc, eq, max } from 'drizzle-orm';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { alreadyExists, invalid, notFound } from '../errors.ts';
import * as experimentOps from './experiment-ops.ts';
import { GroupCommit } from './group-commit.ts';
import { metricBulkInterval, metricBulkIntervalJson } from './metric-bulk-interval.ts';
import { metricHistoryJson, metricHistoryPage } from './metric-history.ts';
import * as registryOps from './registry-ops.ts';
import { runName as generateRunName } from './run-name.ts';
import * as runOps from './run-ops.ts';
import { readRun } from './run-read.ts';
import * as s from './schema.ts';
import type { StoreContext } from './store-context.ts';
import type {
  BulkIntervalInput,
  CreateModelVersionInput,
  CreateRunInput,
  DatasetInput,
  Deployment,
  Experiment,
  ExperimentStats,
  LogBatchInput,
  MetricHistoryPage,
  MetricWithRunId,
  ModelVersion,
  RecordDeploymentInput,
  RegisteredModel,
  Run,
  RunInfo,
  SearchInput,
  SearchPage,
  Stage,
  Tag,
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

/** The default experiment MLflow clients expect to exist. */
export const DEFAULT_EXPERIMENT_ID = '0';

const DEFAULT_MIGRATIONS = fileURLToPath(new URL('../../../migrations', import.meta.url));
const RUN_NAME_TAG = 'mlflow.runName';
const USER_TAG = 'mlflow.user';

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
    const db = drizzle({ client });
    await migrate(db, { migrationsFolder: options.migrationsFolder ?? DEFAULT_MIGRATIONS });
    const now = Date.now();
    await db
      .insert(s.experiments)
      .values({
        experimentId: 0,
        name: 'Default',
        artifactLocation: 'mlflow-artifacts:/0',
        creationTime: now,
        lastUpdateTime: now,
      })
      .onConflictDoNothing();
    return new LibsqlStore(client, db);
  } catch (error) {
    client.close();
    throw error;
  }
}

/** The local file path of a `file:` URL ('' for none), undefined for remote URLs. */
function localPath(url: string): string | undefined {
  if (!url.startsWith('file:')) return undefined;
  let rest = url.slice('file:'.length).split('?')[0]!;
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    rest = slash === -1 ? '' : rest.slice(slash);
  }
  return decodeURIComponent(rest);
}

/** The libSQL implementation of `TrackingStore`; the only place that knows SQL. */
export class LibsqlStore implements TrackingStore {
  readonly #client: Client;
  readonly #db: LibSQLDatabase;
  readonly #lock = new WriteLock();
  readonly #writes: GroupCommit;

  constructor(client: Client, db: LibSQLDatabase) {
    this.#client = client;
    this.#db = db;
    this.#writes = new GroupCommit(client, this.#lock);
  }

  /** The raw client, for tests and benchmarks that inspect the database. */
  get client(): Client {
    return this.#client;
  }

  async close(): Promise<void> {
    await this.#lock.run(async () => this.#client.close());
  }

  // ---- experiments -------------------------------------------------------------------------------

  async createExperiment(input: { name: string; artifact_location?: string; tags?: Tag[] }): Promise<string> {
    if (!input.name.trim()) throw invalid("Missing value for required parameter 'name'.");
    return this.#lock.run(async () => {
      const [clash] = await this.#db
        .select({ id: s.experiments.experimentId })
        .from(s.experiments)
        .where(eq(s.experiments.name, input.name));
      if (clash) throw alreadyExists(`Experiment(name=${input.name}) already exists.`);
      const [row] = await this.#db.select({ top: max(s.experiments.experimentId) }).from(s.experiments);
      const id = (row?.top ?? 0) + 1;
      const now = Date.now();
      const stmts: InStatement[] = [
        toStatement(
          this.#db.insert(s.experiments).values({
            experimentId: id,
            name: input.name,
            artifactLocation: input.artifact_location || `mlflow-artifacts:/${id}`,
            creationTime: now,
            lastUpdateTime: now,
          }),
        ),
      ];
      const tags = uniqueTags(input.tags ?? []);
      if (tags.length) {
        stmts.push(
          toStatement(
            this.#db
              .insert(s.experimentTags)
              .values(tags.map((t) => ({ experimentId: id, key: t.key, value: t.value }))),
          ),
        );
      }
      await this.#client.batch(stmts, 'write');
      return String(id);
    });
  }

  async getExperiment(experimentId: string): Promise<Experiment> {
    const id = parseExperimentId(experimentId);
    const [row] = await this.#db.select().from(s.experiments).where(eq(s.experiments.experimentId, id));
    if (!row) throw notFound(`No Experiment with id=${experimentId} exists`);
    return this.#experiment(row);
  }

  async getExperimentByName(name: string): Promise<Experiment> {
    const [row] = await this.#db.select().from(s.experiments).where(eq(s.experiments.name, name));
    if (!row) throw notFound(`Could not find experiment with name '${name}'`);
    return this.#experiment(row);
  }

  async listExperiments(maxResults: number): Promise<Experiment[]> {
    const rows = await this.#db
      .select()
      .from(s.experiments)
      .where(eq(s.experiments.lifecycleStage, 'active'))
      .orderBy(desc(s.experiments.creationTime), desc(s.experiments.experimentId))
      .limit(maxResults);
    return Promise.all(rows.map((r) => this.#experiment(r)));
  }

  async #experiment(row: typeof s.experiments.$inferSelect): Promise<Experiment> {
    const tags = await this.#db
      .select({ key: s.experimentTags.key, value: s.experimentTags.value })
      .from(s.experimentTags)
      .where(eq(s.experimentTags.experimentId, row.experimentId))
      .orderBy(asc(s.experimentTags.key));
    return {
      experiment_id: String(row.experimentId),
      name: row.name,
      artifact_location: row.artifactLocation,
      lifecycle_stage: row.lifecycleStage,
      creation_time: row.creationTime,
      last_update_time: row.lastUpdateTime,
      tags,
    };
  }

  // ---- runs --------------------------------------------------------------------------------------

  async createRun(input: CreateRunInput): Promise<Run> {
    const experimentId = parseExperimentId(input.experiment_id);
    const tags = uniqueTags(input.tags ?? []);
    const tagName = tags.find((t) => t.key === RUN_NAME_TAG)?.value;
    if (input.run_name && tagName !== undefined && tagName !== input.run_name) {
      throw invalid(
        `Both 'run_name' argument and '${RUN_NAME_TAG}' tag are specified, but with different values ` +
          `(run_name='${input.run_name}', ${RUN_NAME_TAG}='${tagName}').`,
      );
    }
    const name = input.run_name || tagName || generateRunName();
    const finalTags = [...tags.filter((t) => t.key !== RUN_NAME_TAG), { key: RUN_NAME_TAG, value: name }];
    const userId = input.user_id ?? tags.find((t) => t.key === USER_TAG)?.value ?? '';
    // By group commit, with the logging requests: the experiment is checked in the group's look-up.
    return this.#writes.create({
      runId: randomUUID().replaceAll('-', ''),
      experimentId,
      name,
      userId,
      startTime: input.start_time ?? Date.now(),
      tags: finalTags,
    });
  }

  async getRun(runId: string): Promise<Run> {
    const run = await readRun(this.#client, runId);
    if (!run) throw notFound(`Run with id=${runId} not found`);
    return run;
  }

  updateRun(runId: string, input: UpdateRunInput): Promise<RunInfo> {
    return this.#writes.update({ runId, status: input.status, endTime: input.end_time, runName: input.run_name });
  }

  async logBatch(runId: string, input: LogBatchInput): Promise<void> {
    const metrics = input.metrics ?? [];
    const params = input.params ?? [];
    const tags = input.tags ?? [];
    refuseDuplicates('param', params);
    refuseDuplicates('tag', tags);
    if (!metrics.length && !params.length && !tags.length) {
      // Still an error for a missing or inactive run, as MLflow answers.
      await this.#activeRun(runId);
      return;
    }
    // By group commit: concurrent logging requests share one transaction, each one all or nothing.
    await this.#writes.write({ runId, metrics, params, tags });
  }

  async getMetricHistory(
    runId: string,
    key: string,
    page: { max_results: number; page_token?: string },
  ): Promise<MetricHistoryPage> {
    return metricHistoryPage(this.#client, runId, key, page.max_results, page.page_token);
  }

  async getMetricHistoryJson(
    runId: string,
    key: string,
    page: { max_results: number; page_token?: string },
  ): Promise<string> {
    return metricHistoryJson(this.#client, runId, key, page.max_results, page.page_token);
  }

  async #activeRun(runId: string): Promise<void> {
    const { rows } = await this.#client.execute({
      sql: 'SELECT lifecycle_stage FROM runs WHERE run_uuid = ?',
      args: [runId],
    });
    if (!rows[0]) throw notFound(`Run with id=${runId} not found`);
    if (rows[0].lifecycle_stage !== 'active') {
      throw invalid(
        `The run ${runId} must be in the 'active' state. Current state is ${String(rows[0].lifecycle_stage)}.`,
      );
    }
  }

  // ---- registry ----------------------------------------------------------------------------------

  async createRegisteredModel(input: { name: string; description?: string; tags?: Tag[] }): Promise<RegisteredModel> {
    const tags = uniqueTags(input.tags ?? []);
    await this.#lock.run(async () => {
      const [clash] = await this.#db
        .select({ name: s.registeredModels.name })
        .from(s.registeredModels)
        .where(eq(s.registeredModels.name, input.name));
      if (clash) throw alreadyExists(`Registered Model (name=${input.name}) already exists.`);
      const now = Date.now();
      const stmts: InStatement[] = [
        toStatement(
          this.#db.insert(s.registeredModels).values({
            name: input.name,
            creationTime: now,
            lastUpdatedTime: now,
            description: input.description ?? '',
          }),
        ),
      ];
      if (tags.length) {
        stmts.push(
          toStatement(this.#db.insert(s.registeredModelTags).values(tags.map((t) => ({ name: input.name, ...t })))),
        );
      }
      await this.#client.batch(stmts, 'write');
    });
    return this.getRegisteredModel(input.name);
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    const [row] = await this.#db.select().from(s.registeredModels).where(eq(s.registeredModels.name, name));
    if (!row) throw notFound(`Registered Model with name=${name} not found`);
    return this.#registeredModel(row);
  }

  async listRegisteredModels(maxResults: number): Promise<RegisteredModel[]> {
    const rows = await this.#db
      .select()
      .from(s.registeredModels)
      .orderBy(desc(s.registeredModels.lastUpdatedTime), asc(s.registeredModels.name))
      .limit(maxResults);
    return Promise.all(rows.map((r) => this.#registeredModel(r)));
  }

  async #registeredModel(row: typeof s.registeredModels.$inferSelect): Promise<RegisteredModel> {
    const [latest, tags, aliases] = await this.#db.batch([
      // the newest version of each stage
      this.#db
        .select({ version: max(s.modelVersions.version) })
        .from(s.modelVersions)
        .where(eq(s.modelVersions.name, row.name))
        .groupBy(s.modelVersions.currentStage),
      this.#db
        .select({ key: s.registeredModelTags.key, value: s.registeredModelTags.value })
        .from(s.registeredModelTags)
        .where(eq(s.registeredModelTags.name, row.name))
        .orderBy(asc(s.registeredModelTags.key)),
      this.#db
        .select({ alias: s.modelAliases.alias, version: s.modelAliases.version })
        .from(s.modelAliases)
        .where(eq(s.modelAliases.name, row.name))
        .orderBy(asc(s.modelAliases.alias)),
    ]);
    const model: RegisteredModel = {
      name: row.name,
      creation_timestamp: row.creationTime,
      last_updated_timestamp: row.lastUpdatedTime,
      latest_versions: await Promise.all(
        latest
          .map((l) => l.version ?? 0)
          .sort((a, b) => a - b)
          .map((v) => this.getModelVersion(row.name, String(v))),
      ),
      tags,
      aliases: aliases.map((a) => ({ alias: a.alias, version: String(a.version) })),
    };
    if (row.description) model.description = row.description;
    return model;
  }

  async createModelVersion(input: CreateModelVersionInput): Promise<ModelVersion> {
    const tags = uniqueTags(input.tags ?? []);
    const version = await this.#lock.run(async () => {
      const [model] = await this.#db
        .select({ name: s.registeredModels.name })
        .from(s.registeredModels)
        .where(eq(s.registeredModels.name, input.name));
      if (!model) throw notFound(`Registered Model with name=${input.name} not found`);
      if (input.run_id) {
        const [run] = await this.#db
          .select({ id: s.runs.runUuid })
          .from(s.runs)
          .where(eq(s.runs.runUuid, input.run_id));
        if (!run) throw notFound(`Run with id=${input.run_id} not found`);
      }
      const [top] = await this.#db
        .select({ top: max(s.modelVersions.version) })
        .from(s.modelVersions)
        .where(eq(s.modelVersions.name, input.name));
      const [counter] = await this.#db
        .select({ last: s.registeredModels.lastVersion })
        .from(s.registeredModels)
        .where(eq(s.registeredModels.name, input.name));
      // never reuse the number of a deleted version
      const next = Math.max(top?.top ?? 0, counter?.last ?? 0) + 1;
      const now = Date.now();
      const stmts: InStatement[] = [
        toStatement(
          this.#db.insert(s.modelVersions).values({
            name: input.name,
            version: next,
            creationTime: now,
            lastUpdatedTime: now,
            description: input.description ?? '',
            source: input.source,
            runId: input.run_id || null,
            runLink: input.run_link || null,
            status: 'PENDING_REGISTRATION',
          }),
        ),
        toStatement(
          this.#db
            .update(s.registeredModels)
            .set({ lastUpdatedTime: now, lastVersion: next })
            .where(eq(s.registeredModels.name, input.name)),
        ),
      ];
      if (tags.length) {
        stmts.push(
          toStatement(
            this.#db.insert(s.modelVersionTags).values(tags.map((t) => ({ name: input.name, version: next, ...t }))),
          ),
        );
      }
      await this.#client.batch(stmts, 'write');
      return next;
    });
    return this.getModelVersion(input.name, String(version));
  }

  async completeModelVersion(name: string, version: string, fileCount: number): Promise<ModelVersion> {
    const v = parseVersion(version);
    await this.#lock.run(async () => {
      await this.#client.batch(
        [
          toStatement(
            this.#db
              .update(s.modelVersions)
              .set({ status: 'READY', fileCount, lastUpdatedTime: Date.now() })
              .where(and(eq(s.modelVersions.name, name), eq(s.modelVersions.version, v))),
          ),
        ],
        'write',
      );
    });
    return this.getModelVersion(name, version);
  }

  async discardModelVersion(name: string, version: string): Promise<void> {
    const v = parseVersion(version);
    await this.#lock.run(async () => {
      await this.#client.batch(
        [
          toStatement(
            this.#db
              .delete(s.modelVersions)
              .where(
                and(
                  eq(s.modelVersions.name, name),
                  eq(s.modelVersions.version, v),
                  eq(s.modelVersions.status, 'PENDING_REGISTRATION'),
                ),
              ),
          ),
        ],
        'write',
      );
    });
  }

  async getModelVersion(name: string, version: string): Promise<ModelVersion> {
    const v = parseVersion(version);
    const where = and(eq(s.modelVersions.name, name), eq(s.modelVersions.version, v));
    const [rows, tags, aliases] = await this.#db.batch([
      this.#db.select().from(s.modelVersions).where(where),
      this.#db
        .select({ key: s.modelVersionTags.key, value: s.modelVersionTags.value })
        .from(s.modelVersionTags)
        .where(and(eq(s.modelVersionTags.name, name), eq(s.modelVersionTags.version, v)))
        .orderBy(asc(s.modelVersionTags.key)),
      this.#db
        .select({ alias: s.modelAliases.alias })
        .from(s.modelAliases)
        .where(and(eq(s.modelAliases.name, name), eq(s.modelAliases.version, v)))
        .orderBy(asc(s.modelAliases.alias)),
    ]);
    const row = rows[0];
    if (!row) throw notFound(`Model Version (name=${name}, version=${version}) not found`);
    const out: ModelVersion = {
      name: row.name,
      version: String(row.version),
      creation_timestamp: row.creationTime,
      last_updated_timestamp: row.lastUpdatedTime,
      current_stage: row.currentStage,
      source: row.source,
      status: row.status,
      tags,
      aliases: aliases.map((a) => a.alias),
    };
    if (row.description) out.description = row.description;
    if (row.userId) out.user_id = row.userId;
    if (row.runId) out.run_id = row.runId;
    if (row.runLink) out.run_link = row.runLink;
    if (row.statusMessage) out.status_message = row.statusMessage;
    return out;
  }

  async setAlias(name: string, alias: string, version: string): Promise<void> {
    const v = parseVersion(version);
    await this.#lock.run(async () => {
      await this.#requireVersion(name, v);
      await this.#client.batch([this.#upsertAlias(name, alias, v)], 'write');
    });
  }

  async deleteAlias(name: string, alias: string): Promise<void> {
    await this.#lock.run(async () => {
      await this.#requireModel(name);
      await this.#client.batch(
        [
          toStatement(
            this.#db.delete(s.modelAliases).where(and(eq(s.modelAliases.name, name), eq(s.modelAliases.alias, alias))),
          ),
        ],
        'write',
      );
    });
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    await this.#requireModel(name);
    const [row] = await this.#db
      .select({ version: s.modelAliases.version })
      .from(s.modelAliases)
      .where(and(eq(s.modelAliases.name, name), eq(s.modelAliases.alias, alias)));
    if (!row) throw notFound(`Registered model alias ${alias} not found.`);
    return this.getModelVersion(name, String(row.version));
  }

  async recordDeployment(input: RecordDeploymentInput): Promise<Deployment> {
    const to = parseVersion(input.to_version);
    const from = input.from_version === null ? null : parseVersion(input.from_version);
    return this.#lock.run(async () => {
      await this.#requireVersion(input.model, to);
      const stmts: InStatement[] = [
        toStatement(
          this.#db
            .insert(s.deployments)
            .values({
              model: input.model,
              fromVersion: from,
              toVersion: to,
              kind: input.kind,
              actor: input.actor,
              createdAt: input.created_at,
            })
            .returning({ id: s.deployments.id }),
        ),
      ];
      if (input.alias) stmts.push(this.#upsertAlias(input.model, input.alias, to));
      const [inserted] = await this.#client.batch(stmts, 'write');
      const { alias: _alias, ...rest } = input;
      return { id: Number(inserted!.rows[0]!.id), ...rest };
    });
  }

  async listDeployments(model: string, maxResults = 100): Promise<Deployment[]> {
    const rows = await this.#db
      .select()
      .from(s.deployments)
      .where(eq(s.deployments.model, model))
      .orderBy(desc(s.deployments.id))
      .limit(maxResults);
    return rows.map((r) => ({
      id: r.id,
      model: r.model,
      from_version: r.fromVersion === null ? null : String(r.fromVersion),
      to_version: String(r.toVersion),
      kind: r.kind,
      actor: r.actor,
      created_at: r.createdAt,
    }));
  }

  // ---- issue 3: search, lifecycle, registry edits (the SQL lives in *-ops.ts) ---------------------

  get #ctx(): StoreContext {
    return { client: this.#client };
  }

  searchExperiments(input: SearchInput & { view_type: ViewType }): Promise<SearchPage<Experiment>> {
    return experimentOps.searchExperiments(this.#ctx, input);
  }

  renameExperiment(experimentId: string, newName: string): Promise<void> {
    return this.#lock.run(() => experimentOps.renameExperiment(this.#ctx, experimentId, newName));
  }

  deleteExperiment(experimentId: string): Promise<void> {
    return this.#lock.run(() => experimentOps.deleteExperiment(this.#ctx, experimentId));
  }

  restoreExperiment(experimentId: string): Promise<void> {
    return this.#lock.run(() => experimentOps.restoreExperiment(this.#ctx, experimentId));
  }

  setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
    return this.#lock.run(() => experimentOps.setExperimentTag(this.#ctx, experimentId, key, value));
  }

  experimentStats(experimentIds: string[]): Promise<ExperimentStats[]> {
    return experimentOps.experimentStats(this.#ctx, experimentIds);
  }

  searchRuns(input: SearchInput & { experiment_ids: string[]; run_view_type: ViewType }): Promise<SearchPage<Run>> {
    return runOps.searchRuns(this.#ctx, input);
  }

  deleteRun(runId: string): Promise<void> {
    return this.#lock.run(() => runOps.deleteRun(this.#ctx, runId));
  }

  restoreRun(runId: string): Promise<void> {
    return this.#lock.run(() => runOps.restoreRun(this.#ctx, runId));
  }

  deleteTag(runId: string, key: string): Promise<void> {
    return this.#lock.run(() => runOps.deleteTag(this.#ctx, runId, key));
  }

  logInputs(runId: string, inputs: DatasetInput[]): Promise<void> {
    return this.#lock.run(() => runOps.logInputs(this.#ctx, runId, inputs));
  }

  getMetricHistoryBulkInterval(input: BulkIntervalInput): Promise<MetricWithRunId[]> {
    return metricBulkInterval(this.#client, input);
  }

  getMetricHistoryBulkIntervalJson(input: BulkIntervalInput): Promise<string> {
    return metricBulkIntervalJson(this.#client, input);
  }

  async searchRegisteredModels(input: SearchInput): Promise<SearchPage<RegisteredModel>> {
    const page = await registryOps.searchRegisteredModelNames(this.#ctx, input);
    const items = await Promise.all(page.items.map((name) => this.getRegisteredModel(name)));
    return page.next_page_token ? { items, next_page_token: page.next_page_token } : { items };
  }

  async renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel> {
    await this.#lock.run(() => registryOps.renameRegisteredModel(this.#ctx, name, newName));
    return this.getRegisteredModel(newName);
  }

  async updateRegisteredModel(name: string, description: string): Promise<RegisteredModel> {
    await this.#lock.run(() => registryOps.updateRegisteredModel(this.#ctx, name, description));
    return this.getRegisteredModel(name);
  }

  deleteRegisteredModel(name: string): Promise<void> {
    return this.#lock.run(() => registryOps.deleteRegisteredModel(this.#ctx, name));
  }

  async getLatestVersions(name: string, stages?: string[]): Promise<ModelVersion[]> {
    const versions = await registryOps.latestVersionNumbers(this.#ctx, name, stages);
    return registryOps.hydrateModelVersions(
      this.#ctx,
      versions.map((v) => ({ name, version: Number(v) })),
    );
  }

  setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    return this.#lock.run(() => registryOps.setRegisteredModelTag(this.#ctx, name, key, value));
  }

  deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    return this.#lock.run(() => registryOps.deleteRegisteredModelTag(this.#ctx, name, key));
  }

  searchModelVersions(input: SearchInput): Promise<SearchPage<ModelVersion>> {
    return registryOps.searchModelVersions(this.#ctx, input);
  }

  async updateModelVersion(name: string, version: string, description: string): Promise<ModelVersion> {
    await this.#lock.run(() => registryOps.updateModelVersion(this.#ctx, name, version, description));
    return this.getModelVersion(name, version);
  }

  deleteModelVersion(name: string, version: string): Promise<void> {
    return this.#lock.run(() => registryOps.deleteModelVersion(this.#ctx, name, version));
  }

  async transitionModelVersionStage(
    name: string,
    version: string,
    stage: Stage,
    archiveExisting: boolean,
    protectedVersion?: string,
  ): Promise<ModelVersion> {
    await this.#lock.run(() =>
      registryOps.transitionModelVersionStage(this.#ctx, name, version, stage, archiveExisting, protectedVersion),
    );
    return this.getModelVersion(name, version);
  }

  setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    return this.#lock.run(() => registryOps.setModelVersionTag(this.#ctx, name, version, key, value));
  }

  deleteModelVersionTag(name: string, version: string, key: string): Promise<void> {
    return this.#lock.run(() => registryOps.deleteModelVersionTag(this.#ctx, name, version, key));
  }

  async #requireModel(name: string): Promise<void> {
    const [row] = await this.#db
      .select({ name: s.registeredModels.name })
      .from(s.registeredModels)
      .where(eq(s.registeredModels.name, name));
    if (!row) throw notFound(`Registered Model with name=${name} not found`);
  }

  async #requireVersion(name: string, version: number): Promise<void> {
    await this.#requireModel(name);
    const [row] = await this.#db
      .select({ version: s.modelVersions.version })
      .from(s.modelVersions)
      .where(and(eq(s.modelVersions.name, name), eq(s.modelVersions.version, version)));
    if (!row) throw notFound(`Model Version (name=${name}, version=${version}) not found`);
  }

  #upsertAlias(name: string, alias: string, version: number): InStatement {
    return toStatement(
      this.#db
        .insert(s.modelAliases)
        .values({ name, alias, version })
        .onConflictDoUpdate({ target: [s.modelAliases.name, s.modelAliases.alias], set: { version } }),
    );
  }
}

/** A drizzle query as a statement for `client.batch`, so builder and raw statements share one transaction. */
function toStatement(query: { toSQL(): { sql: string; params: unknown[] } }): InStatement {
  const { sql: text, params } = query.toSQL();
  return { sql: text, args: params as InArgs };
}

function parseExperimentId(id: string): number {
  if (!/^\d{1,15}$/.test(id)) throw notFound(`No Experiment with id=${id} exists`);
  return Number(id);
}

function parseVersion(version: string): number {
  if (!/^[1-9]\d{0,14}$/.test(version)) {
    throw invalid(`Parameter 'version' must be a positive integer, got '${version}'.`);
  }
  return Number(version);
}

/** Tags with unique keys, the last value of a repeated key winning (for create calls). */
function uniqueTags(tags: Tag[]): Tag[] {
  return [...new Map(tags.map((t) => [t.key, t.value])).entries()].map(([key, value]) => ({ key, value }));
}

function refuseDuplicates(kind: 'param' | 'tag', items: { key: string }[]): void {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const { key } of items) (seen.has(key) ? dup : seen).add(key);
  if (dup.size) {
    throw invalid(
      `Duplicate ${kind} keys have been submitted: [${[...dup].map((k) => `'${k}'`).join(', ')}]. ` +
        `Please ensure the request contains only one ${kind} value per ${kind} key.`,
    );
  }
}
