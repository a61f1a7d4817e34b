import * as z from 'zod';
import { ACTOR_HEADER, encodeActorHeader } from '../../contracts/actor.ts';
import { EDGE_TAG, EDGE_TAG_ON } from '../../contracts/naming.ts';
import { authorizationHeader, type Credentials, credentialsFromEnv } from './credentials.ts';
import { MetricLogger, type MetricLoggerOptions } from './metric-logger.ts';
import {
  Deployment,
  DeploymentState,
  Experiment,
  ExperimentsPage,
  type KeyValue,
  type LoggedDatasetInput,
  type LoggedMetric,
  MetricBulkInterval,
  type MetricWithRunId,
  type ModelStage,
  ModelVersion,
  ModelVersionsPage,
  RegisteredModel,
  RegisteredModelsPage,
  Run,
  type RunInfo,
  RunsPage,
  type ViewType,
} from './schemas.ts';
import { splitBatch } from './split-batch.ts';
import { isTrackerError, TrackerError } from './tracker-error.ts';
import { trackingUri } from './tracking-uri.ts';

/** Options of a `TrackerClient`. */
export interface TrackerClientOptions {
  /** The tracker's URL (default: `MLFLOW_TRACKING_URI`, else `http://localhost:${EDGEFLOW_TRACKER_PORT ?? 5000}`). */
  baseUrl?: string;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
  /**
   * Who acts, recorded with promotions and rollbacks while the tracker's auth is off (default:
   * `EDGEFLOW_ACTOR`, else `USER`); with auth on the tracker records the authenticated user.
   */
  actor?: string;
  /** How to authenticate (default: the environment's, see `credentialsFromEnv`). */
  credentials?: Credentials;
}

type Query = Record<string, string | string[]>;

/** Common options of the search calls (MLflow's filter grammar, order_by clauses, paging). */
export interface SearchOptions {
  filter?: string;
  orderBy?: string[];
  maxResults?: number;
  pageToken?: string;
}

/** A page of results and the token of the next page (absent on the last page). */
export interface Page<T> {
  items: T[];
  nextPageToken?: string;
}

const Empty = z.unknown();

/**
 * A thin typed client of the tracker's MLflow REST API (and edgeflow's deployment endpoints). Uses
 * only `fetch`, so it runs in Node, browsers and workers. Every answer is validated; a non-2xx
 * answer throws a `TrackerError` carrying MLflow's `error_code`.
 */
export class TrackerClient {
  /** The tracker's URL, without a trailing slash. */
  readonly baseUrl: string;
  readonly #fetch: typeof fetch;
  readonly #artifactRoots = new Map<string, string>();
  readonly #actor: string | undefined;
  /** The `Authorization` header every request carries (empty without credentials). */
  readonly authHeaders: Readonly<Record<string, string>>;

  constructor(options: TrackerClientOptions = {}) {
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
    this.baseUrl = options.baseUrl?.replace(/\/+$/, '') ?? trackingUri(env);
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#actor = options.actor ?? env?.EDGEFLOW_ACTOR ?? env?.USER;
    this.authHeaders = authorizationHeader(options.credentials ?? credentialsFromEnv(env));
  }

  // --- experiments and runs -------------------------------------------------------------------

  /** The id of the experiment with this name, created when there is none. */
  async getOrCreateExperiment(name: string): Promise<string> {
    const existing = await this.#experimentByName(name);
    if (existing) return existing;
    try {
      const { experiment_id } = await this.#post(
        'mlflow/experiments/create',
        { name },
        z.object({ experiment_id: z.string() }),
      );
      return experiment_id;
    } catch (err) {
      // Someone else created it between our two calls.
      if (isTrackerError(err, 'RESOURCE_ALREADY_EXISTS')) {
        const id = await this.#experimentByName(name);
        if (id) return id;
      }
      throw err;
    }
  }

  async #experimentByName(name: string): Promise<string | null> {
    try {
      const { experiment } = await this.#get(
        'mlflow/experiments/get-by-name',
        { experiment_name: name },
        z.object({ experiment: Experiment }),
      );
      if (experiment.lifecycle_stage === 'deleted') {
        throw new TrackerError(
          'INVALID_STATE',
          400,
          `experiment "${name}" is deleted; restore it or pick another name`,
        );
      }
      return experiment.experiment_id;
    } catch (err) {
      if (isTrackerError(err, 'RESOURCE_DOES_NOT_EXIST')) return null;
      throw err;
    }
  }

  /** Starts a run (status RUNNING, `startTime` default now). */
  async createRun(opts: {
    experimentId: string;
    runName?: string;
    tags?: Record<string, string>;
    startTime?: number;
  }): Promise<RunInfo> {
    const body = {
      experiment_id: opts.experimentId,
      run_name: opts.runName,
      start_time: opts.startTime ?? Date.now(),
      tags: Object.entries(opts.tags ?? {}).map(([key, value]) => ({ key, value })),
    };
    const { run } = await this.#post('mlflow/runs/create', body, z.object({ run: Run }));
    this.#artifactRoots.set(run.info.run_id, run.info.artifact_uri);
    return run.info;
  }

  /** A run with the latest value of each metric, its params and tags. */
  async getRun(runId: string): Promise<Run> {
    const { run } = await this.#get('mlflow/runs/get', { run_id: runId }, z.object({ run: Run }));
    return run;
  }

  /** Logs params (values turned into strings) through log-batch, 100 a request. */
  async logParams(runId: string, params: Record<string, string | number | boolean>): Promise<void> {
    await this.logBatch(runId, {
      params: Object.entries(params).map(([key, value]) => ({ key, value: String(value) })),
    });
  }

  /** Logs one metric point (`timestamp` default now, `step` default 0). */
  async logMetric(
    runId: string,
    key: string,
    value: number,
    opts: { step?: number; timestamp?: number } = {},
  ): Promise<void> {
    await this.#post(
      'mlflow/runs/log-metric',
      { run_id: runId, key, value: wireDouble(value), timestamp: opts.timestamp ?? Date.now(), step: opts.step ?? 0 },
      Empty,
    );
  }

  /**
   * Logs metrics, params and tags, split into as many requests as MLflow's limits need (1,000
   * metrics, 100 params, 100 tags, 1,000 items a request), sent in order. Not atomic across requests.
   */
  async logBatch(
    runId: string,
    batch: { metrics?: LoggedMetric[]; params?: KeyValue[]; tags?: KeyValue[] },
  ): Promise<void> {
    const now = Date.now();
    const metrics = (batch.metrics ?? []).map((m) => ({
      key: m.key,
      value: wireDouble(m.value),
      timestamp: m.timestamp ?? now,
      step: m.step ?? 0,
    }));
    for (const part of splitBatch({ metrics, params: batch.params, tags: batch.tags })) {
      await this.#post('mlflow/runs/log-batch', { run_id: runId, ...part }, Empty);
    }
  }

  /** Sets a run tag. */
  async setTag(runId: string, key: string, value: string): Promise<void> {
    await this.#post('mlflow/runs/set-tag', { run_id: runId, key, value }, Empty);
  }

  /** Ends a run with this status (default FINISHED) and now as its end time. */
  async endRun(runId: string, status: 'FINISHED' | 'FAILED' | 'KILLED' = 'FINISHED'): Promise<void> {
    await this.#post('mlflow/runs/update', { run_id: runId, status, end_time: Date.now() }, Empty);
  }

  /** One page of runs of some experiments matching an MLflow filter (`metrics.auc > 0.9 and params.lr = '0.01'`). */
  async searchRuns(opts: SearchOptions & { experimentIds: string[]; viewType?: ViewType }): Promise<Page<Run>> {
    const body = { experiment_ids: opts.experimentIds, run_view_type: opts.viewType, ...searchBody(opts) };
    const page = await this.#post('mlflow/runs/search', body, RunsPage);
    return toPage(page.runs, page.next_page_token);
  }

  /** Every run matching a search, page after page. */
  async *searchAllRuns(
    opts: Omit<SearchOptions, 'pageToken'> & { experimentIds: string[]; viewType?: ViewType },
  ): AsyncGenerator<Run> {
    let pageToken: string | undefined;
    do {
      const page = await this.searchRuns({ ...opts, pageToken });
      yield* page.items;
      pageToken = page.nextPageToken;
    } while (pageToken);
  }

  /** Marks a run deleted (restorable). */
  async deleteRun(runId: string): Promise<void> {
    await this.#post('mlflow/runs/delete', { run_id: runId }, Empty);
  }

  /** Restores a deleted run. */
  async restoreRun(runId: string): Promise<void> {
    await this.#post('mlflow/runs/restore', { run_id: runId }, Empty);
  }

  /** Removes a run tag. */
  async deleteTag(runId: string, key: string): Promise<void> {
    await this.#post('mlflow/runs/delete-tag', { run_id: runId, key }, Empty);
  }

  /** Records the datasets a run used (lineage from the run to its data). */
  async logInputs(runId: string, datasets: LoggedDatasetInput[]): Promise<void> {
    await this.#post(
      'mlflow/runs/log-inputs',
      { run_id: runId, datasets: datasets.map((d) => ({ tags: d.tags ?? [], dataset: d.dataset })) },
      Empty,
    );
  }

  /** One metric of several runs (at most 100), sampled to `maxResults` steps (default 2,500) for charts. */
  async getMetricHistoryBulkInterval(
    runIds: string[],
    metricKey: string,
    opts: { startStep?: number; endStep?: number; maxResults?: number } = {},
  ): Promise<MetricWithRunId[]> {
    const query: Query = { run_ids: runIds, metric_key: metricKey };
    if (opts.startStep !== undefined) query.start_step = String(opts.startStep);
    if (opts.endStep !== undefined) query.end_step = String(opts.endStep);
    if (opts.maxResults !== undefined) query.max_results = String(opts.maxResults);
    return (await this.#get('mlflow/metrics/get-history-bulk-interval', query, MetricBulkInterval)).metrics;
  }

  /** One page of experiments (active ones unless `viewType` says otherwise), newest first by default. */
  async searchExperiments(opts: SearchOptions & { viewType?: ViewType } = {}): Promise<Page<Experiment>> {
    const page = await this.#post(
      'mlflow/experiments/search',
      { view_type: opts.viewType, ...searchBody(opts) },
      ExperimentsPage,
    );
    return toPage(page.experiments, page.next_page_token);
  }

  /** Renames an experiment. */
  async renameExperiment(experimentId: string, newName: string): Promise<void> {
    await this.#post('mlflow/experiments/update', { experiment_id: experimentId, new_name: newName }, Empty);
  }

  /** Deletes an experiment and its runs (restorable). */
  async deleteExperiment(experimentId: string): Promise<void> {
    await this.#post('mlflow/experiments/delete', { experiment_id: experimentId }, Empty);
  }

  /** Restores a deleted experiment and its runs. */
  async restoreExperiment(experimentId: string): Promise<void> {
    await this.#post('mlflow/experiments/restore', { experiment_id: experimentId }, Empty);
  }

  /** Sets an experiment tag. */
  async setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
    await this.#post('mlflow/experiments/set-experiment-tag', { experiment_id: experimentId, key, value }, Empty);
  }

  /** A buffered metric logger for a run; see `MetricLogger`. Close it when done. */
  metricLogger(runId: string, opts?: MetricLoggerOptions): MetricLogger {
    return new MetricLogger((metrics) => this.logBatch(runId, { metrics }), opts);
  }

  // --- artifacts ------------------------------------------------------------------------------

  /**
   * Uploads one artifact of a run through MLflow's proxied artifact API, to `path` under the run's
   * artifact root (`mlflow-artifacts:/<experiment_id>/<run_id>/artifacts`).
   */
  async logArtifact(runId: string, path: string, body: Uint8Array | string, contentType?: string): Promise<void> {
    const segments = path.split('/');
    if (!path || path.startsWith('/') || segments.some((s) => s === '' || s === '.' || s === '..')) {
      throw new TrackerError(
        'INVALID_PARAMETER_VALUE',
        400,
        `artifact path must be relative, without empty, "." or ".." parts: "${path}"`,
      );
    }
    const root = await this.#artifactRoot(runId);
    const url = `${this.baseUrl}/api/2.0/mlflow-artifacts/artifacts/${root}/${segments.map(encodeURIComponent).join('/')}`;
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    await this.#call('PUT', url, {
      body: bytes as BodyInit,
      headers: { 'content-type': contentType ?? 'application/octet-stream' },
      schema: Empty,
    });
  }

  async #artifactRoot(runId: string): Promise<string> {
    let uri = this.#artifactRoots.get(runId);
    if (!uri) {
      uri = (await this.getRun(runId)).info.artifact_uri;
      this.#artifactRoots.set(runId, uri);
    }
    const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/+(.+?)\/*$/.exec(uri);
    if (!m) {
      throw new TrackerError(
        'INVALID_PARAMETER_VALUE',
        400,
        `run ${runId} has artifact_uri "${uri}"; only mlflow-artifacts:/ (the tracker's proxied artifact store) is supported`,
      );
    }
    return m[1]!
      .split('/')
      .map((s) => encodeURIComponent(decodeURIComponent(s)))
      .join('/');
  }

  // --- model registry -------------------------------------------------------------------------

  /**
   * Creates a registered model; RESOURCE_ALREADY_EXISTS if it exists (see `ensureRegisteredModel`).
   * With `edge`, the model is opted in to the edge (tag `edgeflow.edge=true`): alias `production` and
   * stage Production then deploy its versions.
   */
  async createRegisteredModel(name: string, opts: { edge?: boolean } = {}): Promise<void> {
    const tags = opts.edge ? [{ key: EDGE_TAG, value: EDGE_TAG_ON }] : undefined;
    await this.#post(
      'mlflow/registered-models/create',
      { name, tags },
      z.object({ registered_model: RegisteredModel }),
    );
  }

  /**
   * Creates a registered model unless it exists already; with `edge`, makes sure it is opted in to the
   * edge (opting in a model that exists deploys the version its `production` alias names).
   */
  async ensureRegisteredModel(name: string, opts: { edge?: boolean } = {}): Promise<void> {
    try {
      await this.createRegisteredModel(name, opts);
    } catch (err) {
      if (!isTrackerError(err, 'RESOURCE_ALREADY_EXISTS')) throw err;
      if (opts.edge) await this.setRegisteredModelTag(name, EDGE_TAG, EDGE_TAG_ON);
    }
  }

  /** Sets a tag of a registered model (`edgeflow.edge`: see `ensureRegisteredModel`). */
  async setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    await this.#post('mlflow/registered-models/set-tag', { name, key, value }, Empty);
  }

  /** A registered model with its latest versions and aliases, or null when there is none. */
  async getRegisteredModel(name: string): Promise<RegisteredModel | null> {
    try {
      const { registered_model } = await this.#get(
        'mlflow/registered-models/get',
        { name },
        z.object({ registered_model: RegisteredModel }),
      );
      return registered_model;
    } catch (err) {
      if (isTrackerError(err, 'RESOURCE_DOES_NOT_EXIST')) return null;
      throw err;
    }
  }

  /** Registers a new version of a model from `source` (e.g. `runs:/<run_id>/model`). */
  async createModelVersion(opts: {
    name: string;
    source: string;
    runId?: string;
    description?: string;
  }): Promise<ModelVersion> {
    const body = { name: opts.name, source: opts.source, run_id: opts.runId, description: opts.description };
    const { model_version } = await this.#post(
      'mlflow/model-versions/create',
      body,
      z.object({ model_version: ModelVersion }),
    );
    return model_version;
  }

  /** One model version. */
  async getModelVersion(name: string, version: string): Promise<ModelVersion> {
    const { model_version } = await this.#get(
      'mlflow/model-versions/get',
      { name, version },
      z.object({ model_version: ModelVersion }),
    );
    return model_version;
  }

  /** One page of registered models (filter on `name` and `tags.`), by name unless ordered otherwise. */
  async searchRegisteredModels(opts: SearchOptions = {}): Promise<Page<RegisteredModel>> {
    const page = await this.#get('mlflow/registered-models/search', searchQuery(opts), RegisteredModelsPage);
    return toPage(page.registered_models, page.next_page_token);
  }

  /** One page of model versions (filter on `name`, `run_id`, `source_path`, `version_number`, `tags.`). */
  async searchModelVersions(opts: SearchOptions = {}): Promise<Page<ModelVersion>> {
    const page = await this.#get('mlflow/model-versions/search', searchQuery(opts), ModelVersionsPage);
    return toPage(page.model_versions, page.next_page_token);
  }

  /** The newest version of a model in each stage (or in each of `stages`). */
  async getLatestVersions(name: string, stages?: ModelStage[]): Promise<ModelVersion[]> {
    const answer = z.object({ model_versions: z.array(ModelVersion).default([]) });
    return (await this.#post('mlflow/registered-models/get-latest-versions', { name, stages }, answer)).model_versions;
  }

  /**
   * Moves a version to a stage. For a model opted in to the edge, Production deploys it (the files
   * are checked first) and the served version cannot leave Production unless another takes its place.
   */
  async transitionModelVersionStage(
    name: string,
    version: string,
    stage: ModelStage,
    archiveExistingVersions = false,
  ): Promise<ModelVersion> {
    const body = { name, version, stage, archive_existing_versions: archiveExistingVersions };
    return (await this.#post('mlflow/model-versions/transition-stage', body, z.object({ model_version: ModelVersion })))
      .model_version;
  }

  /** Sets a model version's description. */
  async updateModelVersion(name: string, version: string, description: string): Promise<ModelVersion> {
    const answer = z.object({ model_version: ModelVersion });
    return (
      await this.#call(
        'PATCH',
        this.#url('mlflow/model-versions/update'),
        jsonBody({ name, version, description }, answer),
      )
    ).model_version;
  }

  /** Deletes a model version and its files (refused while the edge serves it). */
  async deleteModelVersion(name: string, version: string): Promise<void> {
    await this.#call('DELETE', this.#url('mlflow/model-versions/delete'), jsonBody({ name, version }, Empty));
  }

  /** Points an alias at a version; alias `production` of a model opted in to the edge deploys the version. */
  async setAlias(name: string, alias: string, version: string): Promise<void> {
    await this.#post('mlflow/registered-models/alias', { name, alias, version }, Empty);
  }

  /** Removes an alias. */
  async deleteAlias(name: string, alias: string): Promise<void> {
    // MLflow's Python client sends DELETE parameters as a JSON body, others as a query: send both.
    await this.#call('DELETE', this.#url('mlflow/registered-models/alias', { name, alias }), {
      body: JSON.stringify({ name, alias }),
      headers: { 'content-type': 'application/json' },
      schema: Empty,
    });
  }

  /** The version an alias points at, or null when the alias (or model) does not exist. */
  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion | null> {
    try {
      const { model_version } = await this.#get(
        'mlflow/registered-models/alias',
        { name, alias },
        z.object({ model_version: ModelVersion }),
      );
      return model_version;
    } catch (err) {
      // MLflow answers INVALID_PARAMETER_VALUE for an alias that does not exist
      if (isTrackerError(err, 'INVALID_PARAMETER_VALUE') || isTrackerError(err, 'RESOURCE_DOES_NOT_EXIST')) return null;
      throw err;
    }
  }

  // --- deployments (edgeflow) -----------------------------------------------------------------

  /**
   * Puts back live the version live before the current one (skipping versions rolled back from), or
   * `to`; returns the recorded flip.
   */
  async rollback(name: string, options: { to?: string } = {}): Promise<Deployment> {
    const answer = z.union([z.object({ deployment: Deployment }).transform((a) => a.deployment), Deployment]);
    return this.#post('edgeflow/deployments/rollback', { name, ...options }, answer);
  }

  /** The live pointer of a model (null before its first promotion) and its flips, newest first. */
  async getDeployment(name: string): Promise<DeploymentState> {
    return this.#get('edgeflow/deployments/get', { name }, DeploymentState);
  }

  // --- transport ------------------------------------------------------------------------------

  #url(endpoint: string, query?: Query): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {}))
      for (const v of Array.isArray(value) ? value : [value]) params.append(key, v);
    const qs = query ? `?${params.toString()}` : '';
    return `${this.baseUrl}/api/2.0/${endpoint}${qs}`;
  }

  #get<T extends z.ZodType>(endpoint: string, query: Query, schema: T): Promise<z.output<T>> {
    return this.#call('GET', this.#url(endpoint, query), { schema });
  }

  #post<T extends z.ZodType>(endpoint: string, body: unknown, schema: T): Promise<z.output<T>> {
    return this.#call('POST', this.#url(endpoint), {
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
      schema,
    });
  }

  async #call<T extends z.ZodType>(
    method: string,
    url: string,
    opts: { body?: BodyInit; headers?: Record<string, string>; schema: T },
  ): Promise<z.output<T>> {
    const where = `${method} ${url.replace(this.baseUrl, '')}`;
    let res: Response;
    try {
      res = await this.#fetch(url, {
        method,
        body: opts.body,
        headers: {
          accept: 'application/json',
          ...this.authHeaders,
          ...(this.#actor ? { [ACTOR_HEADER]: encodeActorHeader(this.#actor) } : {}),
          ...opts.headers,
        },
      });
    } catch (err) {
      throw new TrackerError(
        'UNREACHABLE',
        0,
        `cannot reach the tracker at ${this.baseUrl} (${where}): ${errorText(err)}`,
        { cause: err },
      );
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? {} : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const e = json as { error_code?: unknown; message?: unknown } | undefined;
      const code =
        typeof e?.error_code === 'string' ? e.error_code : res.status >= 500 ? 'INTERNAL_ERROR' : `HTTP_${res.status}`;
      const message = typeof e?.message === 'string' ? e.message : text.slice(0, 500) || res.statusText;
      throw new TrackerError(code, res.status, `${where}: ${code}: ${message}`);
    }
    if (json === undefined) {
      throw new TrackerError(
        'INVALID_RESPONSE',
        res.status,
        `${where}: the tracker answered ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`,
      );
    }
    const parsed = opts.schema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      throw new TrackerError('INVALID_RESPONSE', res.status, `${where}: unexpected answer from the tracker: ${issues}`);
    }
    return parsed.data;
  }
}

function searchBody(opts: SearchOptions): Record<string, unknown> {
  return { filter: opts.filter, order_by: opts.orderBy, max_results: opts.maxResults, page_token: opts.pageToken };
}

function searchQuery(opts: SearchOptions): Query {
  const query: Query = {};
  if (opts.filter) query.filter = opts.filter;
  if (opts.orderBy?.length) query.order_by = opts.orderBy;
  if (opts.maxResults !== undefined) query.max_results = String(opts.maxResults);
  if (opts.pageToken) query.page_token = opts.pageToken;
  return query;
}

function toPage<T>(items: T[], nextPageToken: string | undefined): Page<T> {
  return nextPageToken ? { items, nextPageToken } : { items };
}

function jsonBody<T extends z.ZodType>(
  body: unknown,
  schema: T,
): { body: string; headers: Record<string, string>; schema: T } {
  return { body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, schema };
}

/** MLflow's JSON for doubles: non-finite values as the strings protobuf's JSON mapping uses. */
function wireDouble(value: number): number | string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  return value;
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return `${err.message}${cause}`;
  }
  return String(err);
}
