import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pointerKey } from '../../contracts/index.ts';
import {
  fuzzRuns,
  fuzzSeed,
  hostileScalar,
  hostileValue,
  RAW_BODIES,
  TRICK_STRINGS,
} from '../../contracts/testing/hostile.ts';
import { logModelRun, modelFiles, registerVersion } from './testing/model-files.ts';
import { API, useTrackerFixture } from './testing/tracker-fixture.ts';

/**
 * Every route of the tracker, sent generated requests: the fields MLflow's requests use, filled with
 * hostile values (huge/NaN/negative numbers, unicode, NUL, deep nesting, wrong types, oversize arrays,
 * path tricks) and sometimes with the ids of real entities, so requests get past "not found" into the
 * code behind. Property: the answer is a 2xx, or a 4xx with MLflow's `{error_code, message}`; never a
 * 5xx; and a refused request changed nothing (database rows, R2 keys, KV pointers).
 */
describe('fuzz: every tracker route', () => {
  const t = useTrackerFixture();
  const MODEL = 'fz-model';
  const ids = { experiment: '', run: '', otherRun: '' };

  const routes = () => {
    const seen = new Map<string, { method: string; path: string }>();
    for (const r of t.app.routes) {
      if (r.method === 'ALL' || r.path.startsWith('/ajax-api')) continue;
      seen.set(`${r.method} ${r.path}`, { method: r.method, path: r.path });
    }
    return [...seen.values()];
  };

  // Field names of MLflow's requests (service.proto, model_registry.proto) and of edgeflow's.
  const FIELDS = [
    'experiment_id',
    'experiment_ids',
    'experiment_name',
    'name',
    'new_name',
    'artifact_location',
    'tags',
    'key',
    'value',
    'run_id',
    'run_uuid',
    'run_ids',
    'run_name',
    'user_id',
    'start_time',
    'end_time',
    'status',
    'metrics',
    'params',
    'timestamp',
    'step',
    'metric_key',
    'start_step',
    'end_step',
    'filter',
    'filter_string',
    'order_by',
    'max_results',
    'page_token',
    'view_type',
    'run_view_type',
    'version',
    'source',
    'run_link',
    'description',
    'stage',
    'stages',
    'archive_existing_versions',
    'alias',
    'datasets',
    'dataset',
    'digest',
    'path',
    'to',
  ];
  const fieldName = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...FIELDS) },
    { weight: 1, arbitrary: fc.string() },
  );

  /** Real ids and names, so some requests reach the code behind the look-ups. */
  const real = () =>
    fc.constantFrom(ids.experiment, ids.run, ids.otherRun, MODEL, '1', '2', 'production', 'champion', 'loss');
  const fieldValue = () =>
    fc.oneof(
      { weight: 3, arbitrary: real() },
      { weight: 4, arbitrary: hostileValue(fieldName) },
      {
        weight: 2,
        arbitrary: fc.array(
          fc.record(
            {
              key: fc.oneof(real(), hostileScalar),
              value: hostileScalar,
              timestamp: hostileScalar,
              step: hostileScalar,
            },
            { requiredKeys: [] },
          ),
          { maxLength: 3 },
        ),
      },
    );
  const segment = () =>
    fc.oneof(
      { weight: 3, arbitrary: real() },
      { weight: 2, arbitrary: fc.constantFrom(...TRICK_STRINGS) },
      { weight: 1, arbitrary: fc.constantFrom('%2e%2e', '..%2f', '%00', '%c0%ae', '%ZZ', '.', '') },
    );

  // MLflow's search grammar, with the literals and columns that broke it before.
  const searchKey = fc.oneof(
    fc.constantFrom('metrics.loss', 'params.lr', 'tags.t', 'attributes.status', 'attributes.start_time', 'name'),
    fc.constantFrom('tags.`a b`', 'metrics."m"', 'run_name', 'attributes.nope', 'version_number', 'creation_timestamp'),
    fc.constantFrom('tags.x', 'bogus.k', 'metrics.', '`unterminated'),
  );
  const literal = fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom('1e400', '-1e400') },
    fc.constantFrom('1e400', '-1e400', '1e308', '0', '-0', 'NaN', "'x'", '"x"', "'%'", "('a', 'b')", '()', "'\u0000'"),
    fc.double().map(String),
  );
  const quoted = fc.constantFrom(...TRICK_STRINGS.slice(0, 20), 'x', '%', '_').map((v) => `'${v.replace(/'/g, "''")}'`);
  const condition = fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .tuple(
          fc.constantFrom(
            'metrics.loss',
            'attributes.start_time',
            'attributes.end_time',
            'creation_timestamp',
            'version_number',
            'last_update_time',
          ),
          fc.constantFrom('=', '!=', '<', '<=', '>', '>='),
          literal,
        )
        .map((c) => c.join(' ')),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          fc.constantFrom(
            'params.lr',
            'tags.t',
            'attributes.status',
            'name',
            'run_name',
            'attributes.run_id',
            'tags.`a b`',
          ),
          fc.constantFrom('=', '!=', 'LIKE', 'ILIKE'),
          quoted,
        )
        .map((c) => c.join(' ')),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom('attributes.run_id', 'name', 'attributes.status'),
          fc.constantFrom('IN', 'NOT IN'),
          fc.array(quoted, { maxLength: 3 }),
        )
        .map(([k, op, vs]) => `${k} ${op} (${vs.join(', ')})`),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(searchKey, fc.constantFrom('=', '<', 'LIKE', 'IN', '~'), literal).map((c) => c.join(' ')),
    },
  );
  const filter = fc.array(condition, { minLength: 1, maxLength: 2 }).map((cs) => cs.join(' AND '));
  const direction = fc.constantFrom('', ' ASC', ' DESC', ' SIDEWAYS');
  const orderBy = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.array(
        fc.tuple(searchKey, direction).map(([k, d]) => k + d),
        { minLength: 1, maxLength: 2 },
      ),
    },
    // long lists of valid keys: one join per key once crashed SQLite
    {
      weight: 1,
      arbitrary: fc.integer({ min: 3, max: 60 }).map((n) => Array.from({ length: n }, (_, i) => `metrics.m${i}`)),
    },
  );
  const manyMetrics = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ key: `m${i % 50}`, value: i, timestamp: 1, step: i }));

  /** A valid request of each route (its query string or JSON body), to mutate. */
  const TEMPLATES: Record<string, () => Record<string, unknown>> = {
    'experiments/create': () => ({ name: 'e-new', tags: [{ key: 'k', value: 'v' }] }),
    'experiments/get': () => ({ experiment_id: ids.experiment }),
    'experiments/get-by-name': () => ({ experiment_name: 'fz' }),
    'experiments/search': () => ({ filter: "name LIKE 'f%'", order_by: ['name ASC'], max_results: 10 }),
    'experiments/update': () => ({ experiment_id: ids.experiment, new_name: 'fz2' }),
    'experiments/delete': () => ({ experiment_id: ids.experiment }),
    'experiments/restore': () => ({ experiment_id: ids.experiment }),
    'experiments/set-experiment-tag': () => ({ experiment_id: ids.experiment, key: 'k', value: 'v' }),
    'experiments/stats': () => ({ experiment_ids: [ids.experiment] }),
    'runs/create': () => ({ experiment_id: ids.experiment, run_name: 'r', start_time: 1, tags: [] }),
    'runs/get': () => ({ run_id: ids.run }),
    'runs/update': () => ({ run_id: ids.run, status: 'FINISHED', end_time: 2 }),
    'runs/delete': () => ({ run_id: ids.otherRun }),
    'runs/restore': () => ({ run_id: ids.otherRun }),
    'runs/log-metric': () => ({ run_id: ids.run, key: 'loss', value: 0.1, timestamp: 1, step: 1 }),
    'runs/log-parameter': () => ({ run_id: ids.run, key: 'p2', value: 'v' }),
    'runs/set-tag': () => ({ run_id: ids.run, key: 't', value: 'v' }),
    'runs/delete-tag': () => ({ run_id: ids.run, key: 't' }),
    'runs/log-batch': () => ({ run_id: ids.run, metrics: manyMetrics(3), params: [], tags: [] }),
    'runs/log-inputs': () => ({
      run_id: ids.run,
      datasets: [{ dataset: { name: 'd', digest: 'x', source_type: 'local', source: '{}' }, tags: [] }],
    }),
    'runs/search': () => ({ experiment_ids: [ids.experiment], filter: 'metrics.loss > 0', order_by: ['metrics.loss'] }),
    'metrics/get-history': () => ({ run_id: ids.run, metric_key: 'loss', max_results: 10 }),
    'metrics/get-history-bulk-interval': () => ({ run_ids: [ids.run], metric_key: 'loss', max_results: 10 }),
    'artifacts/list': () => ({ run_id: ids.run, path: 'model' }),
    'registered-models/create': () => ({ name: 'fz-other', description: 'd' }),
    'registered-models/get': () => ({ name: MODEL }),
    'registered-models/rename': () => ({ name: 'fz-other', new_name: 'fz-other2' }),
    'registered-models/update': () => ({ name: MODEL, description: 'd' }),
    'registered-models/delete': () => ({ name: 'fz-other' }),
    'registered-models/search': () => ({ filter: "name LIKE 'fz%'", order_by: ['name ASC'] }),
    'registered-models/get-latest-versions': () => ({ name: MODEL, stages: ['None'] }),
    'registered-models/set-tag': () => ({ name: MODEL, key: 'k', value: 'v' }),
    'registered-models/delete-tag': () => ({ name: MODEL, key: 'k' }),
    'registered-models/alias': () => ({ name: MODEL, alias: 'champion', version: '2' }),
    'model-versions/create': () => ({ name: MODEL, source: `runs:/${ids.run}/model`, run_id: ids.run }),
    'model-versions/get': () => ({ name: MODEL, version: '1' }),
    'model-versions/update': () => ({ name: MODEL, version: '2', description: 'd' }),
    'model-versions/delete': () => ({ name: MODEL, version: '2' }),
    'model-versions/search': () => ({ filter: `name = '${MODEL}'`, order_by: ['version_number DESC'] }),
    'model-versions/transition-stage': () => ({
      name: MODEL,
      version: '2',
      stage: 'Staging',
      archive_existing_versions: false,
    }),
    'model-versions/get-download-uri': () => ({ name: MODEL, version: '1' }),
    'model-versions/set-tag': () => ({ name: MODEL, version: '1', key: 'k', value: 'v' }),
    'model-versions/delete-tag': () => ({ name: MODEL, version: '1', key: 'k' }),
    'deployments/get': () => ({ name: MODEL }),
    'deployments/rollback': () => ({ name: MODEL }),
  };
  const templateOf = (path: string) => {
    const tail = path.replace(/^\/api\/2\.0\/(mlflow|edgeflow)\//, '');
    return TEMPLATES[tail]?.() ?? {};
  };

  /** A field's value replaced by something hostile of the kind that field invites. */
  const hostileFor = (field: string): fc.Arbitrary<unknown> => {
    if (field === 'filter' || field === 'filter_string') return fc.oneof(filter, hostileScalar);
    if (field === 'order_by') return fc.oneof(orderBy, hostileScalar);
    if (field === 'metrics')
      return fc.oneof(
        fc.constant(manyMetrics(1001)),
        fc.array(
          fc.record({
            key: fc.oneof(real(), hostileScalar),
            value: hostileScalar,
            timestamp: hostileScalar,
            step: hostileScalar,
          }),
          { maxLength: 3 },
        ),
      );
    return fc.oneof(hostileValue(fieldName), real(), fc.constant(undefined));
  };

  /** A route's template with one field (sometimes two) replaced or removed, and maybe a stray field added. */
  const mutated = (path: string) => {
    const keys = Object.keys(templateOf(path));
    const pick = keys.length
      ? fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom(...keys).map((k) => [k]) },
          { weight: 1, arbitrary: fc.subarray(keys, { maxLength: Math.min(2, keys.length) }) },
        )
      : fc.constant([] as string[]);
    return fc
      .tuple(pick, fc.option(fc.tuple(fieldName, fieldValue()), { nil: undefined, freq: 4 }))
      .chain(([fields, extra]) =>
        fc.tuple(...fields.map((f) => hostileFor(f))).map((values) => {
          const out: Record<string, unknown> = { ...templateOf(path) };
          fields.forEach((f, i) => {
            out[f] = values[i];
          });
          if (extra) out[extra[0]] = extra[1];
          return { out };
        }),
      );
  };

  async function snapshot(edge: boolean): Promise<string> {
    const { rows: tables } = await t.store.client.execute(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' ORDER BY name",
    );
    const parts: string[] = [];
    for (const { name } of tables) {
      // the metric history only grows: its row count tells a write
      const sql =
        name === 'metrics' ? 'SELECT count(*) AS n FROM metrics' : `SELECT * FROM "${String(name)}" ORDER BY rowid`;
      parts.push(`${String(name)}:${JSON.stringify((await t.store.client.execute(sql)).rows)}`);
    }
    if (!edge) return parts.join('\n');
    const blobs = (await t.edge.blobs.list('')).map((b) => `${b.key}:${b.size}`);
    const pointers = await Promise.all([MODEL, 'fz-other'].map((m) => t.edge.kv.get(pointerKey(m))));
    return `${parts.join('\n')}\nblobs:${blobs.join(',')}\nkv:${JSON.stringify(pointers)}`;
  }

  it('seeds real entities to aim at', async () => {
    const exp = await t.post(`${API}/experiments/create`, { name: 'fz' });
    ids.experiment = exp.body.experiment_id;
    ids.run = await logModelRun(t, modelFiles('a'));
    ids.otherRun = await logModelRun(t, modelFiles('b'));
    await t.post(`${API}/runs/log-batch`, {
      run_id: ids.run,
      metrics: [{ key: 'loss', value: 0.5, timestamp: 1, step: 0 }],
      params: [{ key: 'lr', value: '0.1' }],
    });
    expect(await registerVersion(t, MODEL, ids.run, { edge: true })).toBe('1');
    expect(await registerVersion(t, MODEL, ids.otherRun, { edge: true })).toBe('2');
    const promoted = await t.post(`${API}/registered-models/alias`, { name: MODEL, alias: 'production', version: '1' });
    expect(promoted.status).toBe(200);
  });

  it('answers every generated request with a 2xx or a JSON 4xx, and a refused one writes nothing', async () => {
    const list = routes();
    expect(list.length).toBeGreaterThan(40);
    const perRoute = fuzzRuns(process.env.FUZZ_RUNS, 25);
    const tried = new Map<string, number>();
    const failures: string[] = [];
    for (const route of list) {
      const t0 = performance.now();
      const isGet = route.method === 'GET' || route.method === 'HEAD';
      // routes that may write R2 or KV (the others only touch the database)
      const edge = /artifacts|model-versions|registered-models|deployments/.test(route.path);
      let current = await snapshot(edge);
      const params = fc.oneof(
        { weight: 4, arbitrary: mutated(route.path).map((m) => m.out) },
        { weight: 1, arbitrary: fc.dictionary(fieldName, fieldValue(), { maxKeys: 6 }) },
      );
      const request = fc.record({
        segments: fc.array(segment(), { minLength: 1, maxLength: 4 }),
        params,
        raw: fc.oneof(
          { weight: 12, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: fc.constantFrom(...RAW_BODIES) },
        ),
      });
      const result = await fc.check(
        fc.asyncProperty(request, async (r) => {
          const path = route.path.endsWith('/*')
            ? `${route.path.slice(0, -2)}/${r.segments.map((s) => (/%/.test(s) ? s : encodeURIComponent(s))).join('/')}`
            : route.path;
          const query = new URLSearchParams();
          if (isGet) {
            for (const [k, v] of Object.entries(r.params)) {
              for (const one of Array.isArray(v) ? v : [v]) {
                if (one !== undefined) query.append(k, typeof one === 'string' ? one : JSON.stringify(one));
              }
            }
          }
          const qs = query.toString();
          const body = isGet ? undefined : (r.raw ?? JSON.stringify(r.params));
          const res = await t.app.request(`${path}${qs ? `?${qs}` : ''}`, {
            method: route.method,
            headers: isGet ? {} : { 'content-type': 'application/json' },
            body,
          });
          const text = await res.text();
          tried.set(`${route.method} ${route.path}`, (tried.get(`${route.method} ${route.path}`) ?? 0) + 1);
          const where = `${route.method} ${path}?${qs.slice(0, 300)} body=${(body ?? '').slice(0, 300)} → ${res.status} ${text.slice(0, 300)}`;
          if (process.env.FUZZ_DEBUG) console.log(where.slice(0, 400));
          expect(res.status, where).toBeLessThan(500);
          if (res.status >= 400) {
            let error: { error_code?: unknown; message?: unknown } = {};
            try {
              error = JSON.parse(text);
            } catch {
              // asserted below
            }
            expect(typeof error.error_code, where).toBe('string');
            expect(typeof error.message, where).toBe('string');
            if (!isGet) expect(await snapshot(edge), `a refused request wrote: ${where}`).toBe(current);
          } else if (!isGet) {
            current = await snapshot(edge);
          }
        }),
        { numRuns: edge ? perRoute : perRoute * 4, seed: fuzzSeed(process.env.FUZZ_SEED), endOnFailure: true },
      );
      if (result.failed)
        failures.push(
          `${route.method} ${route.path}: ${String((result.errorInstance as Error | undefined)?.message).slice(0, 600)}`,
        );
      if (process.env.FUZZ_TIME) console.log(`${route.method} ${route.path} ${(performance.now() - t0).toFixed(0)} ms`);
    }
    expect(failures, failures.join('\n\n')).toEqual([]);
    // what the closing note reports
    console.log(
      `fuzz: ${tried.size} tracker routes, ${[...tried.values()].reduce((a, b) => a + b, 0)} requests (${perRoute} a route that may write R2/KV, ${perRoute * 4} another)`,
    );
  }, 600_000);
});
