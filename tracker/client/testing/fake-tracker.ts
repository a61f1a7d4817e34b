import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * A small in-memory stand-in for the tracker's MLflow REST API, for the client's tests until they run
 * against the real tracker: MLflow's paths, JSON shapes, error codes and log-batch limits.
 */

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const invalid = (m: string) => new ApiError(400, 'INVALID_PARAMETER_VALUE', m);
const notFound = (m: string) => new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', m);
const exists = (m: string) => new ApiError(400, 'RESOURCE_ALREADY_EXISTS', m);

interface FakeRun {
  info: Record<string, unknown> & { run_id: string; experiment_id: string; artifact_uri: string };
  params: Map<string, string>;
  tags: Map<string, string>;
  history: { key: string; value: number | string; timestamp: number; step: number }[];
}

interface FakeVersion {
  name: string;
  version: string;
  source: string;
  run_id?: string;
  description?: string;
  creation_timestamp: number;
}

interface FakeDeployment {
  id: number;
  model: string;
  from_version: string | null;
  to_version: string;
  kind: 'promote' | 'rollback';
  actor: string;
  created_at: number;
}

/** The fake tracker: start it, point a client at `url`, read its state in assertions. */
export class FakeTracker {
  readonly experiments = new Map<string, { experiment_id: string; name: string }>([['Default', { experiment_id: '0', name: 'Default' }]]);
  readonly runs = new Map<string, FakeRun>();
  readonly artifacts = new Map<string, { body: Buffer; contentType?: string }>();
  readonly models = new Map<string, { name: string; versions: FakeVersion[]; aliases: Map<string, string> }>();
  readonly pointers = new Map<string, Record<string, unknown>>();
  readonly deployments: FakeDeployment[] = [];
  /** How many log-batch requests arrived (each within MLflow's limits, or refused). */
  logBatchCalls = 0;
  private server?: Server;
  url = '';
  private seq = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://x');
    try {
      if (url.pathname.startsWith('/api/2.0/mlflow-artifacts/artifacts/')) {
        const path = decodeURIComponent(url.pathname.slice('/api/2.0/mlflow-artifacts/artifacts/'.length));
        if (req.method === 'PUT') {
          this.artifacts.set(path, { body: raw, contentType: req.headers['content-type'] });
          return send(res, 200, {});
        }
        const a = this.artifacts.get(path);
        if (!a) throw notFound(`artifact ${path} not found`);
        res.writeHead(200, { 'content-type': a.contentType ?? 'application/octet-stream' }).end(a.body);
        return;
      }
      let body: Record<string, unknown> = Object.fromEntries(url.searchParams);
      if (req.method !== 'GET' && raw.length) {
        try {
          body = { ...body, ...(JSON.parse(raw.toString()) as Record<string, unknown>) };
        } catch {
          throw new ApiError(400, 'MALFORMED_REQUEST', 'body is not JSON');
        }
      }
      send(res, 200, this.route(`${req.method} ${url.pathname}`, body));
    } catch (err) {
      if (err instanceof ApiError) send(res, err.status, { error_code: err.code, message: err.message });
      else send(res, 500, { error_code: 'INTERNAL_ERROR', message: String(err) });
    }
  }

  private route(route: string, b: Record<string, unknown>): unknown {
    const str = (k: string) => {
      const v = b[k];
      if (typeof v !== 'string' || v === '') throw invalid(`Missing value for required parameter '${k}'`);
      return v;
    };
    switch (route) {
      case 'GET /api/2.0/mlflow/experiments/get-by-name': {
        const e = this.experiments.get(str('experiment_name'));
        if (!e) throw notFound(`Could not find experiment with name '${b.experiment_name}'`);
        return { experiment: { ...e, artifact_location: `mlflow-artifacts:/${e.experiment_id}`, lifecycle_stage: 'active' } };
      }
      case 'POST /api/2.0/mlflow/experiments/create': {
        const name = str('name');
        if (this.experiments.has(name)) throw exists(`Experiment '${name}' already exists.`);
        const experiment_id = String(this.experiments.size);
        this.experiments.set(name, { experiment_id, name });
        return { experiment_id };
      }
      case 'POST /api/2.0/mlflow/runs/create': {
        const experiment_id = str('experiment_id');
        if (![...this.experiments.values()].some((e) => e.experiment_id === experiment_id)) throw notFound(`No Experiment with id=${experiment_id} exists`);
        const run_id = `run${++this.seq}`.padEnd(32, '0');
        const run: FakeRun = {
          info: {
            run_id,
            run_uuid: run_id,
            run_name: typeof b.run_name === 'string' ? b.run_name : `run-${this.seq}`,
            experiment_id,
            user_id: '',
            status: 'RUNNING',
            start_time: typeof b.start_time === 'number' ? b.start_time : Date.now(),
            artifact_uri: `mlflow-artifacts:/${experiment_id}/${run_id}/artifacts`,
            lifecycle_stage: 'active',
          },
          params: new Map(),
          tags: new Map(((b.tags as { key: string; value: string }[] | undefined) ?? []).map((t) => [t.key, t.value])),
          history: [],
        };
        this.runs.set(run_id, run);
        return { run: this.runJson(run) };
      }
      case 'GET /api/2.0/mlflow/runs/get':
        return { run: this.runJson(this.run(str('run_id'))) };
      case 'POST /api/2.0/mlflow/runs/update': {
        const run = this.run(str('run_id'));
        if (b.status !== undefined) run.info.status = b.status;
        if (b.end_time !== undefined) run.info.end_time = b.end_time;
        return { run_info: run.info };
      }
      case 'POST /api/2.0/mlflow/runs/log-batch': {
        this.logBatchCalls++;
        const run = this.run(str('run_id'));
        const metrics = (b.metrics as FakeRun['history'] | undefined) ?? [];
        const params = (b.params as { key: string; value: string }[] | undefined) ?? [];
        const tags = (b.tags as { key: string; value: string }[] | undefined) ?? [];
        if (metrics.length > 1000) throw invalid(`A batch logging request can contain at most 1000 metrics. Got ${metrics.length} metrics.`);
        if (params.length > 100) throw invalid(`A batch logging request can contain at most 100 params. Got ${params.length} params.`);
        if (tags.length > 100) throw invalid(`A batch logging request can contain at most 100 tags. Got ${tags.length} tags.`);
        const total = metrics.length + params.length + tags.length;
        if (total > 1000) throw invalid(`A batch logging request can contain at most 1000 total items. Got ${total} items.`);
        for (const m of metrics) this.checkMetric(m);
        for (const p of params) {
          const old = run.params.get(p.key);
          if (old !== undefined && old !== p.value) throw invalid(`Changing param values is not allowed. Param with key='${p.key}' was already logged with value='${old}'`);
        }
        for (const p of params) run.params.set(p.key, p.value);
        for (const t of tags) run.tags.set(t.key, t.value);
        run.history.push(...metrics);
        return {};
      }
      case 'POST /api/2.0/mlflow/runs/log-metric': {
        const run = this.run(str('run_id'));
        const m = { key: str('key'), value: b.value as number, timestamp: b.timestamp as number, step: (b.step as number) ?? 0 };
        this.checkMetric(m);
        run.history.push(m);
        return {};
      }
      case 'POST /api/2.0/mlflow/runs/set-tag':
        this.run(str('run_id')).tags.set(str('key'), String(b.value ?? ''));
        return {};
      case 'POST /api/2.0/mlflow/registered-models/create': {
        const name = str('name');
        if (this.models.has(name)) throw exists(`Registered Model (name=${name}) already exists.`);
        this.models.set(name, { name, versions: [], aliases: new Map() });
        return { registered_model: this.modelJson(name) };
      }
      case 'GET /api/2.0/mlflow/registered-models/get':
        return { registered_model: this.modelJson(str('name')) };
      case 'POST /api/2.0/mlflow/model-versions/create': {
        const m = this.model(str('name'));
        const v: FakeVersion = {
          name: m.name,
          version: String(m.versions.length + 1),
          source: str('source'),
          run_id: b.run_id as string | undefined,
          description: b.description as string | undefined,
          creation_timestamp: Date.now(),
        };
        m.versions.push(v);
        return { model_version: this.versionJson(v) };
      }
      case 'GET /api/2.0/mlflow/model-versions/get':
        return { model_version: this.versionJson(this.version(str('name'), str('version'))) };
      case 'POST /api/2.0/mlflow/registered-models/alias': {
        const v = this.version(str('name'), str('version'));
        const alias = str('alias');
        if (alias === 'production') this.flip(v.name, v.version, 'promote');
        this.model(v.name).aliases.set(alias, v.version);
        return {};
      }
      case 'GET /api/2.0/mlflow/registered-models/alias': {
        const m = this.model(str('name'));
        const version = m.aliases.get(str('alias'));
        if (!version) throw notFound(`Registered model alias ${b.alias} not found.`);
        return { model_version: this.versionJson(this.version(m.name, version)) };
      }
      case 'DELETE /api/2.0/mlflow/registered-models/alias':
        this.model(str('name')).aliases.delete(str('alias'));
        return {};
      case 'GET /api/2.0/edgeflow/deployments/get': {
        const name = str('name');
        this.model(name);
        return {
          pointer: this.pointers.get(name) ?? null,
          history: this.deployments.filter((d) => d.model === name).reverse(),
        };
      }
      case 'POST /api/2.0/edgeflow/deployments/rollback': {
        const name = str('name');
        const previous = this.pointers.get(name)?.previous as string | undefined;
        if (!previous) throw new ApiError(400, 'INVALID_STATE', `${name} has no previous version to roll back to`);
        const d = this.flip(name, previous, 'rollback');
        this.model(name).aliases.set('production', previous);
        return { deployment: d };
      }
      default:
        throw new ApiError(404, 'ENDPOINT_NOT_FOUND', `No endpoint ${route}`);
    }
  }

  private flip(model: string, version: string, kind: 'promote' | 'rollback'): FakeDeployment {
    const live = this.pointers.get(model)?.version as string | undefined;
    this.pointers.set(model, {
      model,
      version,
      artifacts: `models/${model}/${version}/`,
      modelJsonSha256: 'ab'.repeat(32),
      promotedAt: new Date().toISOString(),
      ...(live ? { previous: live } : {}),
    });
    const d: FakeDeployment = { id: this.deployments.length + 1, model, from_version: live ?? null, to_version: version, kind, actor: 'test', created_at: Date.now() };
    this.deployments.push(d);
    return d;
  }

  private checkMetric(m: { key: string; value: unknown; timestamp: unknown; step: unknown }): void {
    if (typeof m.key !== 'string' || !m.key) throw invalid('metric key must be a non-empty string');
    const okValue = typeof m.value === 'number' || m.value === 'NaN' || m.value === 'Infinity' || m.value === '-Infinity';
    if (!okValue) throw invalid(`Got invalid value ${JSON.stringify(m.value)} for metric '${m.key}'`);
    if (typeof m.timestamp !== 'number') throw invalid(`Missing value for required parameter 'timestamp' of metric '${m.key}'`);
    if (m.step !== undefined && typeof m.step !== 'number') throw invalid(`step of metric '${m.key}' must be an integer`);
  }

  private run(id: string): FakeRun {
    const run = this.runs.get(id);
    if (!run) throw notFound(`Run with id=${id} not found`);
    return run;
  }

  private model(name: string) {
    const m = this.models.get(name);
    if (!m) throw notFound(`Registered Model with name=${name} not found`);
    return m;
  }

  private version(name: string, version: string): FakeVersion {
    const v = this.model(name).versions.find((x) => x.version === version);
    if (!v) throw notFound(`Model Version (name=${name}, version=${version}) not found`);
    return v;
  }

  private runJson(run: FakeRun) {
    const latest = new Map<string, FakeRun['history'][number]>();
    for (const m of run.history) {
      const old = latest.get(m.key);
      if (!old || m.step > old.step || (m.step === old.step && m.timestamp >= old.timestamp)) latest.set(m.key, m);
    }
    // As MLflow does, leave out empty lists.
    const data: Record<string, unknown> = {};
    if (latest.size) data.metrics = [...latest.values()];
    if (run.params.size) data.params = [...run.params].map(([key, value]) => ({ key, value }));
    if (run.tags.size) data.tags = [...run.tags].map(([key, value]) => ({ key, value }));
    return { info: run.info, data };
  }

  private versionJson(v: FakeVersion) {
    const aliases = [...this.model(v.name).aliases].filter(([, ver]) => ver === v.version).map(([a]) => a);
    return {
      ...v,
      creation_timestamp: v.creation_timestamp,
      last_updated_timestamp: v.creation_timestamp,
      current_stage: 'None',
      status: 'READY',
      ...(aliases.length ? { aliases } : {}),
    };
  }

  private modelJson(name: string) {
    const m = this.model(name);
    const latest = m.versions.at(-1);
    return {
      name,
      creation_timestamp: 1,
      last_updated_timestamp: 1,
      ...(latest ? { latest_versions: [this.versionJson(latest)] } : {}),
      ...(m.aliases.size ? { aliases: [...m.aliases].map(([alias, version]) => ({ alias, version })) } : {}),
    };
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
