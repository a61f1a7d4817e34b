import { env } from 'cloudflare:workers';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apiKeyKvKey, EdgeError, Prediction } from '../../contracts/index.ts';
import {
  fuzzRuns,
  fuzzSeed,
  hostileScalar,
  hostileValue,
  RAW_BODIES,
  TRICK_NUMBERS,
  TRICK_STRINGS,
} from '../../contracts/testing/hostile.ts';
import { REFUSED_MODEL_NAMES, SERVABLE_MODEL_NAMES } from '../../contracts/testing/model-names.ts';
import { BatchPredictionSchema, HealthSchema, ModelInfoSchema, PublicHealthSchema } from './openapi-schemas.ts';
import { FLOAT32_MAX, MAX_BATCH } from './parse-instances.ts';
import { MAX_BODY_BYTES } from './read-json-body.ts';
import { type FixtureActivation, type FixtureLayer, randomLayers } from './testing/graph-model-fixture.ts';
import { putPointer, seedGraphVersion, seedVersion } from './testing/seed-version.ts';
import { json, sendWith } from './testing/send.ts';

/** What the fuzz knows of a seeded model: its inputs, standardization and the weights of every version that may answer. */
interface Seeded {
  inputs: string[];
  mean: number[];
  std: number[];
  /** Layers of each version that may answer (live, canary, pinned). */
  versions: FixtureLayer[][];
}

const DEFAULT = env.DEFAULT_MODEL;
const MULTI = 'fz-multi';
const REGRESSION = 'fz-reg';
const GRAPH = 'fz graph ✓';
const QUANTIZED = 'fz-graph-q';
/** A model whose output is NaN once |x| > 3.4 (its first layer overflows to +∞ and −∞, the second adds them). */
const NAN = 'fz-nan';
/** Files in R2, no pointer. */
const UNPROMOTED = 'fz-unpromoted';
/** A version of `MULTI` whose files do not load. */
const BROKEN_VERSION = '9';
const API_KEY = 'ef_fuzz-key';
const GOOD = { path: `/v1/models/${REGRESSION}/predict`, body: { features: [0.1, 0.2, 0.3] } };

/** The dense layers of a layers model, as the fixture describes graph models. */
function layersOf(model: LayersModel): FixtureLayer[] {
  return model.layers.map((layer) => {
    const [kernel, bias] = layer.getWeights();
    return {
      kernel: kernel!.arraySync() as number[][],
      bias: bias!.arraySync() as number[],
      activation: (layer.getConfig() as { activation: FixtureActivation }).activation,
    };
  });
}

/**
 * Whether `layers` may reach ±Infinity (or NaN) in float32 on inputs of magnitude at most `x`: a bound of every
 * pre-activation (Σ|w|·|h| + |b| per unit; relu and linear pass it on, sigmoid/tanh/softmax bound it by 1)
 * that reaches half of float32's range.
 */
function mayOverflow(layers: FixtureLayer[], x: number): boolean {
  let h = x;
  for (const { kernel, bias, activation } of layers) {
    let pre = 0;
    for (let j = 0; j < bias.length; j++) {
      let sum = Math.abs(bias[j]!);
      for (const row of kernel) sum += Math.abs(row[j]!) * h;
      pre = Math.max(pre, sum);
    }
    if (!(pre < FLOAT32_MAX / 2)) return true;
    h = activation === 'relu' || activation === 'linear' ? pre : 1;
  }
  return false;
}

/** The largest standardized magnitude a body's numbers can have for `model` (numbers past float32 are refused, not run). */
function largestInput(body: unknown, model: Seeded): number {
  const meanMax = Math.max(0, ...model.mean.map(Math.abs));
  const stdMin = Math.min(1, ...model.std);
  let largest = 0;
  const visit = (v: unknown, depth: number) => {
    if (depth > 64) return;
    if (typeof v === 'number' && Math.abs(v) <= FLOAT32_MAX)
      largest = Math.max(largest, (Math.abs(v) + meanMax) / stdMin);
    else if (v && typeof v === 'object') for (const item of Object.values(v)) visit(item, depth + 1);
  };
  visit(body, 0);
  return largest;
}

function safeEncode(segment: string): string {
  try {
    return encodeURIComponent(segment);
  } catch {
    // a lone surrogate: send it as the bytes a careless client would
    return '%ED%A0%80';
  }
}

/** A header value a `Headers` object takes (latin-1, no CR/LF/NUL); others percent-encoded. */
const headerSafe = (value: string) => (/^[\t\x20-\x7e\x80-\xff]*$/.test(value) ? value : safeEncode(value));

/** A request as the fuzz sends it, and what it aimed at. */
interface Case {
  method: string;
  path: string;
  headers: Record<string, string>;
  /**
   * A JSON value (stringified), a raw string, or a stream (chunked, no Content-Length) of `text`'s UTF-8 bytes cut
   * at `cuts`, which fails after its last chunk when the client `leaves` mid-body.
   */
  body?: { json: unknown } | { raw: string } | { stream: string; cuts: number[]; leaves: boolean };
  vars: Record<string, string>;
}

/**
 * Every route of the worker, sent generated requests: predict bodies shaped by the seeded models' signatures with
 * one or two fields made hostile (float32-overflowing, NaN-like, negative, wrong lengths and types, odd input
 * names, batches past MAX_BATCH, deep nesting, non-JSON, huge Content-Length claims, chunked bodies), hostile
 * path segments and headers, and vars that switch API keys, CORS and the batch limit. Property: the answer is a
 * 2xx (a 200 prediction parses with the contracts' schemas: finite numbers, never null) or a 4xx with the
 * `{error: {code, message}}` body; never a 5xx except these, which the seeding makes legitimate:
 * - 503 `no_version_promoted`: the model has files but no pointer (`UNPROMOTED`);
 * - 503 `model_unavailable`: the pinned version's files do not load (`MULTI` version `BROKEN_VERSION`);
 * - 503 from `/health` and `/health/details` (a `PublicHealth` / `Health` body saying `unavailable`): the
 *   `DEFAULT_MODEL` var names a model that serves nothing;
 * - 500 `invalid_output`: from `NAN`, or from another model only when the request's standardized inputs times the
 *   model's weights can pass float32's range (`mayOverflow`): the model really cannot compute a finite answer.
 * After every request a known-good prediction still answers 200, and nothing was written to R2 or KV.
 */
describe('fuzz: every worker route', () => {
  const models = new Map<string, Seeded>();

  const standardized = (n: number) => ({
    mean: Array.from({ length: n }, (_, i) => i * 0.5 - 1),
    std: Array.from({ length: n }, (_, i) => 1 + i * 0.25),
  });

  it('seeds binary, multiclass and regression models (layers and graph, with standardization)', async () => {
    const v1 = await seedVersion({ model: DEFAULT, version: '1', kind: 'binary' });
    const v2 = await seedVersion({ model: DEFAULT, version: '2', kind: 'binary' });
    // the shadow takes another number of inputs: its failures must stay in the background
    const v3 = await seedVersion({ model: DEFAULT, version: '3', kind: 'regression', inputs: 2 });
    await putPointer({ ...v1.pointer, previous: '2', canary: { version: '2', weight: 0.3 }, shadow: { version: '3' } });
    const multi = await seedVersion({ model: MULTI, version: '1', kind: 'multiclass', inputs: 6, classes: 5 });
    await putPointer(multi.pointer);
    await env.MODELS.put(`models/${MULTI}/${BROKEN_VERSION}/signature.json`, '{"inputs": "nope"}');
    const regression = await seedVersion({
      model: REGRESSION,
      version: '1',
      kind: 'regression',
      inputs: 3,
      standardize: false,
    });
    await putPointer(regression.pointer);
    const graph = await seedGraphVersion({
      model: GRAPH,
      version: '1',
      layers: randomLayers([5, 8, 3], ['relu', 'softmax'], 7),
      style: 'converter',
      controlFlow: true,
      standardize: standardized(5),
    });
    await putPointer(graph.pointer);
    const quantized = await seedGraphVersion({
      model: QUANTIZED,
      version: '1',
      layers: randomLayers([4, 6, 1], ['tanh', 'sigmoid'], 11),
      quantize: 'uint8',
    });
    await putPointer(quantized.pointer);
    const nan = await seedGraphVersion({
      model: NAN,
      version: '1',
      layers: [
        { kernel: [[1e38, -1e38]], bias: [0, 0], activation: 'linear' },
        { kernel: [[1], [1]], bias: [0], activation: 'sigmoid' },
      ],
    });
    await putPointer(nan.pointer);
    await seedVersion({ model: UNPROMOTED, version: '1', kind: 'regression' });
    await env.POINTERS.put(
      await apiKeyKvKey(API_KEY),
      JSON.stringify({ name: 'fuzz', createdAt: new Date().toISOString() }),
    );

    const names = (n: number) => Array.from({ length: n }, (_, i) => `f${i}`);
    const st = (s: { preprocess?: { standardize?: { mean: number[]; std: number[] } } }, n: number) =>
      s.preprocess?.standardize ?? { mean: new Array(n).fill(0), std: new Array(n).fill(1) };
    models.set(DEFAULT, {
      inputs: names(4),
      ...st(v1.signature, 4),
      versions: [layersOf(v1.tfModel), layersOf(v2.tfModel), layersOf(v3.tfModel)],
    });
    models.set(MULTI, { inputs: names(6), ...st(multi.signature, 6), versions: [layersOf(multi.tfModel)] });
    models.set(REGRESSION, {
      inputs: names(3),
      ...st(regression.signature, 3),
      versions: [layersOf(regression.tfModel)],
    });
    models.set(GRAPH, { inputs: names(5), ...st(graph.signature, 5), versions: [graph.layers] });
    models.set(QUANTIZED, { inputs: names(4), ...st(quantized.signature, 4), versions: [quantized.layers] });
    models.set(NAN, { inputs: names(1), ...st(nan.signature, 1), versions: [nan.layers] });
    models.set(UNPROMOTED, { inputs: names(4), ...st({}, 4), versions: [] });

    for (const name of [DEFAULT, MULTI, REGRESSION, GRAPH, QUANTIZED]) {
      const n = models.get(name)!.inputs.length;
      const res = await sendWith(
        {},
        `/v1/models/${encodeURIComponent(name)}/predict`,
        json({ features: new Array(n).fill(0.5) }),
      );
      expect(res.status, `${name}: ${await res.clone().text()}`).toBe(200);
    }
    const good = await sendWith({}, GOOD.path, json(GOOD.body));
    expect(good.status).toBe(200);
  });

  // ---- generators

  const FLOAT32_EDGES = [
    FLOAT32_MAX,
    -FLOAT32_MAX,
    3.4e38,
    3.4028235e38,
    1e38,
    -1e37,
    1e30,
    1.401298464324817e-45,
    1e-46,
    5e-324,
    -5e-324,
  ];
  const number = fc.oneof(
    { weight: 12, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }) },
    { weight: 4, arbitrary: fc.constantFrom(...TRICK_NUMBERS, ...FLOAT32_EDGES) },
    { weight: 1, arbitrary: fc.double() },
    { weight: 1, arbitrary: hostileScalar },
  );
  const inputName = (model: Seeded) =>
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...model.inputs) },
      {
        weight: 1,
        arbitrary: fc.constantFrom('', 'F0', 'f0\u0000', '\u0000', '__proto__', 'constructor', 'toString', 'f-1', '😀'),
      },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
    );
  const vector = (model: Seeded) =>
    fc.oneof(
      { weight: 6, arbitrary: fc.array(number, { minLength: model.inputs.length, maxLength: model.inputs.length }) },
      { weight: 2, arbitrary: fc.array(number, { maxLength: model.inputs.length + 2 }) },
      { weight: 1, arbitrary: fc.array(number, { minLength: 1001, maxLength: 1100 }) },
      // every input at the edge of float32: what drives a model's sums past it
      {
        weight: 1,
        arbitrary: fc
          .tuple(
            fc.constantFrom(FLOAT32_MAX, 3.4e38, 1e38),
            fc.array(fc.boolean(), { minLength: model.inputs.length, maxLength: model.inputs.length }),
          )
          .map(([v, signs]) => signs.map((negative) => (negative ? -v : v))),
      },
      { weight: 1, arbitrary: hostileValue(inputName(model)) },
    );
  const named = (model: Seeded) =>
    fc.oneof(
      {
        weight: 6,
        arbitrary: fc
          .tuple(...model.inputs.map(() => number))
          .map((values) => Object.fromEntries(model.inputs.map((name, i) => [name, values[i]]))),
      },
      { weight: 2, arbitrary: fc.dictionary(inputName(model), number, { maxKeys: model.inputs.length + 2 }) },
      { weight: 1, arbitrary: hostileValue(inputName(model)) },
    );
  const row = (model: Seeded) => fc.oneof({ weight: 2, arbitrary: vector(model) }, named(model));
  const instances = (model: Seeded) =>
    fc.oneof(
      { weight: 4, arbitrary: fc.array(row(model), { minLength: 1, maxLength: 6 }) },
      { weight: 1, arbitrary: fc.constant([]) },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom(MAX_BATCH, MAX_BATCH + 1, 4097)
          .map((n) => Array.from({ length: n }, () => model.inputs.map(() => 0.5))),
      },
      { weight: 1, arbitrary: hostileValue(inputName(model)) },
    );

  /**
   * A predict body for `model`: `features`, `inputs` or `instances` holding values made hostile (see `vector`,
   * `named`, `instances`), sometimes with a second of them or a stray field beside it, or anything at all.
   */
  const predictBody = (model: Seeded): fc.Arbitrary<unknown> => {
    const kinds = { features: vector(model), inputs: named(model), instances: instances(model) };
    const kind = fc.constantFrom(...(Object.keys(kinds) as Array<keyof typeof kinds>));
    const one = kind.chain((k) => kinds[k].map((value) => ({ [k]: value })));
    return fc.oneof(
      { weight: 10, arbitrary: one },
      { weight: 1, arbitrary: fc.tuple(one, one).map(([a, b]) => ({ ...a, ...b })) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(one, fc.string(), hostileValue(fc.string()))
          .map(([body, key, value]) => ({ ...body, [key]: value })),
      },
      { weight: 1, arbitrary: hostileValue(fc.oneof(kind, fc.string())) },
    );
  };

  const deep = (n: number) => `{"features":${'['.repeat(n)}${']'.repeat(n)}}`;
  const PREDICT_RAW = [
    ...RAW_BODIES,
    '{"features":[1e400,0,0,0]}',
    '{"features":[-1e400,0,0,0]}',
    '{"features":[0.1,0.2,0.3,0.4],"features":"x"}',
    '{"inputs":{"f0":1,"f0":2,"f1":0,"f2":0,"f3":0}}',
    '\ufeff{"features":[0,0,0,0]}',
    '{"features":[0,0,0,0]}\u0000',
    'features=0,0,0,0',
    '{"features":[0x10,0,0,0]}',
    '{"features":[NaN,0,0,0]}',
    deep(100_000),
    `{"instances":[${'[0,0,0,0],'.repeat(MAX_BATCH)}[0,0,0,0]]}`,
    ' '.repeat(MAX_BODY_BYTES + 1),
  ];
  const CONTENT_LENGTHS = [
    '99999999999',
    '1e400',
    '-1',
    'abc',
    String(MAX_BODY_BYTES + 1),
    '0',
    '1',
    '0x10',
    '9'.repeat(40),
  ];
  const bodyOf = (model: Seeded): fc.Arbitrary<NonNullable<Case['body']>> =>
    fc.oneof(
      { weight: 12, arbitrary: predictBody(model).map((v) => ({ json: v })) },
      { weight: 2, arbitrary: fc.constantFrom(...PREDICT_RAW).map((raw) => ({ raw })) },
      {
        weight: 1,
        // chunked: a body cut anywhere (inside UTF-8 sequences too), maybe abandoned midway, or past the limit
        arbitrary: fc.oneof(
          fc
            .record({ body: predictBody(model), cuts: fc.array(fc.nat(), { maxLength: 4 }), leaves: fc.boolean() })
            .map(({ body, cuts, leaves }) => ({ stream: JSON.stringify(body) ?? '', cuts, leaves })),
          fc.constant({ stream: ' '.repeat(MAX_BODY_BYTES + 64 * 1024), cuts: [] as number[], leaves: false }),
        ),
      },
    );

  const labelArb = fc.record(
    {
      prediction_id: fc.oneof(fc.uuid(), fc.constantFrom(...TRICK_STRINGS), hostileScalar),
      label: fc.oneof(fc.constantFrom(0, 1, 2, 'fraud', 1e308, -0), hostileScalar, hostileValue(fc.string())),
    },
    { requiredKeys: [] },
  );
  /** A feedback body: one label, a batch (past the limit too), something else, or raw text. */
  const feedbackBody: fc.Arbitrary<NonNullable<Case['body']>> = fc.oneof(
    { weight: 4, arbitrary: labelArb.map((json) => ({ json })) },
    { weight: 4, arbitrary: fc.array(labelArb, { maxLength: 5 }).map((labels) => ({ json: { labels } })) },
    { weight: 1, arbitrary: fc.constant({ json: { labels: Array(1001).fill({ prediction_id: 'p', label: 1 }) } }) },
    {
      weight: 2,
      arbitrary: hostileValue(fc.constantFrom('labels', 'prediction_id', 'label', '')).map((json) => ({ json })),
    },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_BODIES).map((raw) => ({ raw })) },
  );

  const HEADER_STRINGS = [...TRICK_STRINGS, 'x'.repeat(8000)].map(headerSafe);
  const oddHeaders = fc.record(
    {
      'content-type': fc.constantFrom(
        'application/json',
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/json; charset=utf-16',
        '',
      ),
      'x-edgeflow-key': fc.constantFrom(...HEADER_STRINGS),
      authorization: fc.constantFrom(
        `Bearer ${API_KEY}`,
        `bearer   ${API_KEY}  `,
        'Bearer ',
        'Bearer junk',
        'Basic eA==',
        '',
      ),
      'x-api-key': fc.constantFrom(API_KEY, '', 'junk', ...HEADER_STRINGS.slice(0, 8)),
      origin: fc.constantFrom('https://a.example', 'null', 'http://evil.example'),
      'access-control-request-method': fc.constantFrom('POST', 'DELETE'),
      'content-length': fc.constantFrom(...CONTENT_LENGTHS),
    },
    { requiredKeys: [] },
  );
  // mostly what a client sends; otherwise any mix of odd ones (a Content-Length claim in one case of ~10)
  const headers: fc.Arbitrary<Record<string, string>> = fc.oneof(
    { weight: 4, arbitrary: fc.constant({ 'content-type': 'application/json' }) },
    { weight: 1, arbitrary: fc.constant({}) },
    { weight: 3, arbitrary: oddHeaders.map(({ 'content-length': _, ...rest }) => rest) },
    { weight: 1, arbitrary: oddHeaders },
  );
  const vars: fc.Arbitrary<Record<string, string>> = fc.oneof(
    { weight: 6, arbitrary: fc.constant({}) },
    {
      weight: 4,
      arbitrary: fc.constantFrom<Record<string, string>>(
        { REQUIRE_API_KEY: 'true' },
        { CORS_ORIGINS: '*' },
        { CORS_ORIGINS: 'https://a.example, https://b.example' },
        { MAX_BATCH: '1' },
        { MAX_BATCH: '0' },
        { MAX_BATCH: '1e400' },
        { POINTER_TTL_MS: '0' },
        { POINTER_TTL_MS: '-5' },
        { DEFAULT_MODEL: UNPROMOTED },
        { DEFAULT_MODEL: '' },
        { DEFAULT_MODEL: NAN },
      ),
    },
  );

  const SEGMENT_TRICKS = [
    '%2e%2e',
    '..%2f',
    '%2E%2E%2F',
    '%00',
    '%c0%ae',
    '%ZZ',
    '%',
    '%E0%A4%A',
    '%ff',
    '.',
    '',
    'a%2Fb',
  ];
  /** A model-name segment: a seeded name (encoded), a name no model can have, or a path trick. */
  const nameSegment: fc.Arbitrary<{ segment: string; model?: string }> = fc.oneof(
    {
      weight: 8,
      arbitrary: fc
        .constantFrom(DEFAULT, MULTI, REGRESSION, GRAPH, QUANTIZED, NAN, UNPROMOTED)
        .map((model) => ({ segment: safeEncode(model), model })),
    },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(...SERVABLE_MODEL_NAMES, ...REFUSED_MODEL_NAMES.map(([, n]) => n), ...TRICK_STRINGS)
        .map((n) => ({ segment: safeEncode(n) })),
    },
    { weight: 1, arbitrary: fc.constantFrom(...SEGMENT_TRICKS).map((segment) => ({ segment })) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }).map((n) => ({ segment: safeEncode(n) })) },
  );
  const version = fc.oneof(
    { weight: 6, arbitrary: fc.constant('1') },
    { weight: 2, arbitrary: fc.constantFrom('2', '3', BROKEN_VERSION) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        '0',
        '-1',
        '1e400',
        '99999999999999999',
        '999999999999999',
        '01',
        '1.0',
        '%201',
        '%31',
        '%00',
        '%2e%2e',
        'latest',
        'x'.repeat(5000),
      ),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }).map(safeEncode) },
  );

  const method = (usual: string) =>
    fc.oneof(
      { weight: 8, arbitrary: fc.constant(usual) },
      fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
    );

  /** Requests of one route. */
  const ROUTES: Record<string, () => fc.Arbitrary<Case>> = {
    'POST /predict': () =>
      fc.record({ method: method('POST'), headers, vars }).chain(({ method, headers, vars }) =>
        bodyOf(models.get(vars.DEFAULT_MODEL ?? DEFAULT) ?? models.get(DEFAULT)!).map((body) => ({
          method,
          path: '/predict',
          headers,
          body,
          vars,
        })),
      ),
    'POST /v1/models/:name/predict': () =>
      fc.record({ method: method('POST'), headers, vars, name: nameSegment }).chain(({ method, headers, vars, name }) =>
        bodyOf(models.get(name.model ?? DEFAULT)!).map((body) => ({
          method,
          path: `/v1/models/${name.segment}/predict`,
          headers,
          body,
          vars,
        })),
      ),
    'POST /v1/models/:name/versions/:version/predict': () =>
      fc
        .record({ method: method('POST'), headers, vars, name: nameSegment, version })
        .chain(({ method, headers, vars, name, version }) =>
          bodyOf(models.get(name.model ?? DEFAULT)!).map((body) => ({
            method,
            path: `/v1/models/${name.segment}/versions/${version}/predict`,
            headers,
            body,
            vars,
          })),
        ),
    'POST /feedback': () =>
      fc
        .record({ method: method('POST'), headers, vars, body: feedbackBody })
        .map((req) => ({ ...req, path: '/feedback' })),
    'GET /v1/models/:name': () =>
      fc.record({ method: method('GET'), headers, vars, name: nameSegment }).map(({ method, headers, vars, name }) => ({
        method,
        path: `/v1/models/${name.segment}`,
        headers,
        vars,
      })),
    ...Object.fromEntries(
      ['/health', '/health/details', '/metrics', '/openapi.json', '/docs', '/ping'].map((path) => [
        `GET ${path}`,
        () =>
          fc
            .record({
              method: method('GET'),
              headers,
              vars,
              query: fc.option(fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }), { nil: undefined }),
            })
            .map(({ method, headers, vars, query }) => ({
              method,
              path: query ? `${path}?${new URLSearchParams(query)}` : path,
              headers,
              vars,
            })),
      ]),
    ),
    'unknown routes and methods': () =>
      fc
        .record({
          method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'PROPFIND'),
          headers,
          vars,
          prefix: fc.constantFrom(
            '',
            '/v1',
            '/v1/models',
            '/predict',
            '/PREDICT',
            '/health',
            '/v1/models/fz-multi',
            '/v1/models/fz-multi/versions',
            '/v1/models/fz-multi/predict',
            '//',
          ),
          rest: fc.array(
            fc.oneof(fc.constantFrom(...SEGMENT_TRICKS), fc.constantFrom(...TRICK_STRINGS).map(safeEncode)),
            { maxLength: 3 },
          ),
          body: fc.option(bodyOf(models.get(DEFAULT)!), { nil: undefined }),
        })
        .map(({ method, headers, vars, prefix, rest, body }) => ({
          method,
          path: `${prefix}/${rest.join('/')}`.replace(/^([^/])/, '/$1'),
          headers,
          vars,
          body,
        })),
  };

  // ---- the property

  /** The seeded model (and pinned version) a request reaches, once the URL is normalized and its segments decoded. */
  function targetOf(req: Case): { model?: string; version?: string } {
    const path = new URL(req.path, 'http://edge').pathname;
    if (path === '/predict') {
      const model = req.vars.DEFAULT_MODEL ?? DEFAULT;
      return models.has(model) ? { model } : {};
    }
    const m = /^\/v1\/models\/([^/]+)(?:\/versions\/([^/]+))?/.exec(path);
    if (!m) return {};
    const decode = (s: string) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    };
    const model = decode(m[1]!);
    return models.has(model) ? { model, version: m[2] === undefined ? undefined : decode(m[2]) } : {};
  }

  /** The text a request's body carries. */
  function bodyText(req: Case): string {
    if (!req.body) return '';
    if ('json' in req.body) return JSON.stringify(req.body.json) ?? '';
    return 'raw' in req.body ? req.body.raw : req.body.stream;
  }

  /** A request's body parsed as JSON, or undefined. */
  function bodyJson(req: Case): unknown {
    try {
      return JSON.parse(bodyText(req));
    } catch {
      return undefined;
    }
  }

  /** Why an answer breaks the property, or undefined when it holds. */
  function problem(route: string, req: Case, res: Response, text: string): string | undefined {
    const status = res.status;
    const healthSchema =
      route === 'GET /health' ? PublicHealthSchema : route === 'GET /health/details' ? HealthSchema : undefined;
    const parsed = () => {
      try {
        return { ok: true as const, value: JSON.parse(text) as unknown };
      } catch {
        return { ok: false as const };
      }
    };
    if (status >= 400) {
      const body = parsed();
      if (healthSchema && status === 503) {
        const health = body.ok ? healthSchema.safeParse(body.value) : undefined;
        if (!health?.success || health.data.status !== 'unavailable') return 'a /health 503 without a Health body';
        const unserved = req.vars.DEFAULT_MODEL === UNPROMOTED || req.vars.DEFAULT_MODEL === '';
        return unserved ? undefined : 'a /health 503 although DEFAULT_MODEL serves';
      }
      const error = body.ok ? EdgeError.safeParse(body.value) : undefined;
      if (!error?.success) return `a ${status} without an {error: {code, message}} body`;
      if (status < 500) return undefined;
      const code = error.data.error.code;
      const { model, version } = targetOf(req);
      if (status === 503 && code === 'no_version_promoted' && model === UNPROMOTED) return undefined;
      if (status === 503 && code === 'model_unavailable' && model === MULTI && version === BROKEN_VERSION)
        return undefined;
      if (status === 500 && code === 'invalid_output' && model) {
        if (model === NAN) return undefined;
        const x = largestInput(bodyJson(req), models.get(model)!);
        if (models.get(model)!.versions.some((layers) => mayOverflow(layers, x))) return undefined;
        return `invalid_output from ${model}, whose weights cannot overflow on inputs up to ${x}`;
      }
      return `a ${status} ${code}`;
    }
    if (status !== 200) return undefined;
    const predicting = req.method === 'POST' && /\/predict$/.test(new URL(req.path, 'http://edge').pathname);
    if (predicting) {
      const body = parsed();
      if (!body.ok) return 'a 200 prediction that is not JSON';
      const value = body.value as { predictions?: unknown; version?: unknown };
      const check =
        'predictions' in (value ?? {}) ? BatchPredictionSchema.safeParse(value) : Prediction.safeParse(value);
      if (!check.success) return `a 200 prediction that does not parse: ${check.error.issues[0]?.message}`;
      if (res.headers.get('x-model-version') !== value.version) return 'x-model-version differs from the body';
      return undefined;
    }
    if (route === 'GET /v1/models/:name' && req.method === 'GET') {
      const body = parsed();
      return body.ok && ModelInfoSchema.safeParse(body.value).success ? undefined : 'a model info that does not parse';
    }
    if (healthSchema && req.method === 'GET') {
      const body = parsed();
      return body.ok && healthSchema.safeParse(body.value).success ? undefined : 'a health body that does not parse';
    }
    return undefined;
  }

  function requestOf(req: Case): RequestInit {
    const init: RequestInit & { duplex?: string } = { method: req.method, headers: req.headers };
    if (!req.body || req.method === 'GET' || req.method === 'HEAD') return init;
    if (!('stream' in req.body)) {
      init.body = bodyText(req);
      return init;
    }
    const bytes = new TextEncoder().encode(req.body.stream);
    const at = [...new Set(req.body.cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
    const chunks = [0, ...at].map((from, i) => bytes.subarray(from, at[i] ?? bytes.length));
    const leaves = req.body.leaves;
    init.body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else if (leaves) controller.error(new Error('Network connection lost.'));
        else controller.close();
      },
    });
    init.duplex = 'half';
    return init;
  }

  async function storedKeys(): Promise<string> {
    const r2 = (await env.MODELS.list()).objects.map((o) => `${o.key}:${o.size}`);
    const kv = (await env.POINTERS.list()).keys.map((k) => k.name);
    return JSON.stringify({ r2, kv });
  }

  it('answers every generated request with a 2xx or a JSON 4xx (5xx only where the seeding makes it legitimate)', async () => {
    const runs = fuzzRuns((env as { FUZZ_RUNS?: string }).FUZZ_RUNS, 50);
    const seed = fuzzSeed((env as { FUZZ_SEED?: string }).FUZZ_SEED);
    const stored = await storedKeys();
    const tried = new Map<string, { requests: number; ok: number }>();
    const failures: string[] = [];
    for (const [route, cases] of Object.entries(ROUTES)) {
      const result = await fc.check(
        fc.asyncProperty(cases(), async (req) => {
          // a HEAD answers as its GET does, without the body: the GET's answer is what is checked
          const head = req.method === 'HEAD' ? await sendWith(req.vars, req.path, requestOf(req)) : undefined;
          if (head) req = { ...req, method: 'GET' };
          const res = await sendWith(req.vars, req.path, requestOf(req));
          const text = await res.text();
          if (head) expect(head.status, `HEAD ${req.path}`).toBe(res.status);
          const count = tried.get(route) ?? { requests: 0, ok: 0 };
          tried.set(route, { requests: count.requests + 1, ok: count.ok + (res.ok ? 1 : 0) });
          const chunked =
            req.body && 'stream' in req.body ? ` (chunked${req.body.leaves ? ', abandoned midway' : ''})` : '';
          const where = `${req.method} ${req.path.slice(0, 200)}${chunked} vars=${JSON.stringify(req.vars)} headers=${JSON.stringify(req.headers).slice(0, 200)} body=${bodyText(req).slice(0, 300)} → ${res.status} ${text.slice(0, 300)}`;
          expect(problem(route, req, res, text), where).toBeUndefined();
          const good = await sendWith({}, GOOD.path, json(GOOD.body));
          expect(good.status, `a known-good request after ${where}`).toBe(200);
          expect(Prediction.safeParse(await good.json()).success).toBe(true);
        }),
        { numRuns: route.includes('predict') ? runs * 4 : runs, seed, endOnFailure: true },
      );
      if (result.failed)
        failures.push(`${route}: ${String((result.errorInstance as Error | undefined)?.message).slice(0, 1200)}`);
    }
    expect(failures, failures.join('\n\n')).toEqual([]);
    expect(await storedKeys(), 'the worker wrote to R2 or KV').toBe(stored);
    // whatever names the requests carried, /metrics is still Prometheus text
    const metrics = (await (await sendWith({}, '/metrics')).text()).trimEnd().split('\n');
    const sample = /^[a-z_]+(\{[a-z_]+="(?:[^"\\\n]|\\.)*"(?:,[a-z_]+="(?:[^"\\\n]|\\.)*")*\})? [-+.\deInfa]+$/;
    expect(metrics.filter((line) => !line.startsWith('# ') && !sample.test(line))).toEqual([]);
    // what the closing note reports
    const total = [...tried.values()].reduce((sum, t) => sum + t.requests, 0);
    console.log(
      `fuzz: ${tried.size} worker routes, ${total} requests (${[...tried].map(([r, t]) => `${r} ${t.requests} (${t.ok} 2xx)`).join(', ')})`,
    );
  }, 600_000);
});
