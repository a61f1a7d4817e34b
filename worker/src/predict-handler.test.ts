import { describe, expect, it } from 'vitest';
import { type EdgeError, modelNameProblem, type Prediction, pointerKey } from '../../contracts/index.ts';
import { REFUSED_MODEL_NAMES, SERVABLE_MODEL_NAMES } from '../../contracts/testing/model-names.ts';
import { MAX_BODY_BYTES } from './read-json-body.ts';
import { eventsArrived } from './testing/recorded.ts';
import { putPointer, seedGraphVersion, seedVersion, uniqueModel } from './testing/seed-version.ts';
import { json, send, sendWith } from './testing/send.ts';
import { tf } from './tfjs.ts';

const features = [0.3, -1.2, 2.5, 0.9];
const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-5);

async function live(kind: 'binary' | 'multiclass' | 'regression' = 'binary') {
  const model = uniqueModel();
  const seeded = await seedVersion({ model, version: '1', kind });
  await putPointer(seeded.pointer);
  return { model, ...seeded };
}

describe('POST /v1/models/:name/predict', () => {
  it('answers a binary model with its own output on the standardized input', async () => {
    const { model, expected } = await live('binary');
    const res = await send(`/v1/models/${model}/predict`, json({ features }));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-model-version')).toBe('1');
    const body = (await res.json()) as Prediction;
    const p = expected(features)[0]!;
    close(body.probability!, p);
    expect(body.prediction).toBe(p >= 0.5 ? 1 : 0);
    expect(body.label).toBe(p >= 0.5 ? 'fraud' : 'legit');
    expect(body.confidence).toBe(p > 0.8 || p < 0.2 ? 'high' : p > 0.6 || p < 0.4 ? 'medium' : 'low');
    expect(body).toMatchObject({ model, version: '1' });
    expect(Object.keys(body).sort()).toEqual([
      'confidence',
      'label',
      'latency_ms',
      'model',
      'prediction',
      'prediction_id',
      'probability',
      'version',
    ]);
    expect(body.latency_ms).toBeGreaterThanOrEqual(0);
  });

  it('answers a multiclass model with the argmax, its probability and label', async () => {
    const { model, expected } = await live('multiclass');
    const body = (await (await send(`/v1/models/${model}/predict`, json({ features }))).json()) as Prediction;
    const y = Array.from(expected(features));
    const best = y.indexOf(Math.max(...y));
    expect(body.prediction).toBe(best);
    close(body.probability!, y[best]!);
    expect(body.label).toBe(`class-${best}`);
    expect(body.confidence).toBeUndefined();
  });

  it('answers a regression model with the value', async () => {
    const { model, expected } = await live('regression');
    const body = (await (await send(`/v1/models/${model}/predict`, json({ features }))).json()) as Prediction;
    close(body.prediction, expected(features)[0]!);
    expect(body.probability).toBeUndefined();
    expect(body.version).toBe('1');
  });

  it('accepts named inputs and a batch of instances, one result per instance', async () => {
    const { model, expected } = await live('regression');
    const named = (await (
      await send(`/v1/models/${model}/predict`, json({ inputs: { f3: 0.9, f0: 0.3, f1: -1.2, f2: 2.5 } }))
    ).json()) as Prediction;
    close(named.prediction, expected(features)[0]!);
    const rows = [features, [0, 0, 0, 0], [5, -5, 1, 2]];
    const res = await send(
      `/v1/models/${model}/predict`,
      json({ instances: [rows[0], rows[1], { f0: 5, f1: -5, f2: 1, f3: 2 }] }),
    );
    const batch = (await res.json()) as { predictions: Prediction[]; version: string };
    expect(batch.version).toBe('1');
    expect(batch.predictions).toHaveLength(3);
    rows.forEach((row, i) => close(batch.predictions[i]!.prediction, expected(row)[0]!));
  });

  it('caps a batch at MAX_BATCH rows (wrangler.toml var)', async () => {
    const { model } = await live('regression');
    const rows = (n: number) => json({ instances: Array.from({ length: n }, () => features) });
    expect((await sendWith({ MAX_BATCH: '3' }, `/v1/models/${model}/predict`, rows(3))).status).toBe(200);
    const over = await sendWith({ MAX_BATCH: '3' }, `/v1/models/${model}/predict`, rows(4));
    expect(over.status).toBe(400);
    expect(await over.text()).toMatch(/at most 3 are allowed/);
    expect((await send(`/v1/models/${model}/predict`, rows(256))).status).toBe(200);
    expect((await send(`/v1/models/${model}/predict`, rows(257))).status).toBe(400);
  });

  it('leaves no tensors behind', async () => {
    const { model } = await live('binary');
    await send(`/v1/models/${model}/predict`, json({ features }));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await send(`/v1/models/${model}/predict`, json({ instances: [features, features] }));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('serves a pinned version regardless of the pointer, and 404s a version that does not exist', async () => {
    const { model } = await live('regression');
    const v2 = await seedVersion({ model, version: '2', kind: 'regression' });
    const res = await send(`/v1/models/${model}/versions/2/predict`, json({ features }));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-model-version')).toBe('2');
    close(((await res.json()) as Prediction).prediction, v2.expected(features)[0]!);
    const live1 = (await (await send(`/v1/models/${model}/predict`, json({ features }))).json()) as Prediction;
    expect(live1.version).toBe('1');
    for (const version of ['3', 'abc', '0']) {
      const missing = await send(`/v1/models/${model}/versions/${version}/predict`, json({ features }));
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as EdgeError).error.code).toBe('version_not_found');
    }
  });
});

describe('a model with a categorical input', () => {
  it('takes the category as a string, one-hot, and records its position in the event', async () => {
    const model = uniqueModel();
    const seeded = await seedVersion({
      model,
      version: '1',
      kind: 'binary',
      signatureInputs: {
        inputs: [
          { name: 'amount', dtype: 'float32', impute: 3 },
          { name: 'channel', dtype: 'string', categories: ['atm', 'pos', 'web'] },
        ],
        sample: [1, 'pos'],
      },
    });
    await putPointer(seeded.pointer);
    const res = await sendWith({}, `/v1/models/${model}/predict`, json({ inputs: { amount: 2.5, channel: 'web' } }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Prediction;
    close(body.probability!, seeded.expected([2.5, 'web'])[0]!);
    const batch = await sendWith(
      {},
      `/v1/models/${model}/predict`,
      json({
        instances: [
          [null, 'atm'],
          [1, null],
        ],
      }),
    );
    const { predictions } = (await batch.json()) as { predictions: Prediction[] };
    close(predictions[0]!.probability!, seeded.expected([3, 'atm'])[0]!);
    close(predictions[1]!.probability!, seeded.expected([1, null])[0]!);
    expect(predictions[0]!.probability).not.toBe(predictions[1]!.probability);
    const events = await eventsArrived([body.prediction_id, ...predictions.map((p) => p.prediction_id)]);
    expect(events.map((e) => e!.inputs)).toEqual([
      [2.5, 2],
      [3, 0],
      [1, -1],
    ]);
    const refused = await send(`/v1/models/${model}/predict`, json({ features: [1, 'phone'] }));
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as EdgeError).error.message).toMatch(
      /input "channel"\) must be one of "atm", "pos", "web"/,
    );
  });
});

describe('POST /predict', () => {
  it('serves DEFAULT_MODEL', async () => {
    const { model, expected } = await live('binary');
    const res = await sendWith({ DEFAULT_MODEL: model }, '/predict', json({ features }));
    const body = (await res.json()) as Prediction;
    expect(body).toMatchObject({ model, version: '1' });
    close(body.probability!, expected(features)[0]!);
  });

  it('404s while DEFAULT_MODEL (from wrangler.toml) does not exist', async () => {
    const res = await send('/predict', json({ features }));
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: 'model_not_found', message: 'model "fraud-detector" does not exist' },
    });
  });
});

describe('bad requests', () => {
  async function expectError(res: Response, status: number, code: string, message: RegExp) {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await res.json()) as EdgeError;
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(message);
    expect(JSON.stringify(body)).not.toMatch(/\bat .*\.ts:\d+/);
  }

  it.each([
    ['non-JSON', 'features=1,2,3', 'invalid_json', /not valid JSON/],
    ['an empty body', '', 'invalid_json', /body is empty/],
    ['a JSON string', '"hello"', 'invalid_request', /must be a JSON object/],
    ['missing features', '{"feature": [1,2,3,4]}', 'invalid_request', /missing "features"/],
    ['the wrong length', '{"features": [1,2,3]}', 'invalid_request', /must hold 4 numbers, got 3/],
    [
      'a non-number',
      '{"features": [1,"2",3,4]}',
      'invalid_request',
      /"features\[1\]" must be a finite number, got the string "2"/,
    ],
    ['"NaN"', '{"features": ["NaN",2,3,4]}', 'invalid_request', /got the string "NaN"/],
    ['null', '{"features": [1,2,null,4]}', 'invalid_request', /"features\[2\]" must be a finite number, got null/],
    [
      '1e999 (Infinity)',
      '{"features": [1,2,3,1e999]}',
      'invalid_request',
      /"features\[3\]" must be a finite number, got Infinity/,
    ],
    ['-1e999', '{"features": [-1e999,2,3,4]}', 'invalid_request', /got -Infinity/],
    [
      '1e300 (finite, but not in float32)',
      '{"features": [1e300,2,3,4]}',
      'invalid_request',
      /^"features\[0\]" \(input "f0"\) must be within float32's range \(±3\.4028234663852886e\+38\), got 1e\+300$/,
    ],
    [
      '1e39',
      '{"features": [1,1e39,3,4]}',
      'invalid_request',
      /"features\[1\]" \(input "f1"\) must be within float32's/,
    ],
    [
      '3.5e38 as a named input',
      '{"inputs": {"f0": 1, "f1": 2, "f2": -3.5e38, "f3": 4}}',
      'invalid_request',
      /"inputs\.f2" \(input "f2"\) must be within float32's range .*, got -3\.5e\+38/,
    ],
  ])('%s → 400', async (_, body, code, message) => {
    const { model } = await live();
    await expectError(await send(`/v1/models/${model}/predict`, { method: 'POST', body }), 400, code, message);
  });

  it('refuses a body over the size limit by Content-Length and by what arrives → 413', async () => {
    const { model } = await live();
    const big = JSON.stringify({ features: [1, 2, 3, 4], pad: 'x'.repeat(MAX_BODY_BYTES) });
    await expectError(
      await send(`/v1/models/${model}/predict`, { method: 'POST', body: big }),
      413,
      'payload_too_large',
      /larger than 1048576 bytes/,
    );
    const chunks = [new TextEncoder().encode(big.slice(0, 600_000)), new TextEncoder().encode(big.slice(600_000))];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = chunks.shift();
        if (chunk) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const req = new Request(`http://edge/v1/models/${model}/predict`, { method: 'POST', body: stream });
    expect(req.headers.get('content-length')).toBeNull();
    await expectError(await sendWith({}, `/v1/models/${model}/predict`, req), 413, 'payload_too_large', /larger than/);
  });

  it('404s an unknown model', async () => {
    await expectError(
      await send('/v1/models/no-such-model/predict', json({ features })),
      404,
      'model_not_found',
      /"no-such-model" does not exist/,
    );
  });

  it('503s a model with files but no promoted version, saying how to promote', async () => {
    const model = uniqueModel();
    await seedVersion({ model, version: '1' });
    await expectError(
      await send(`/v1/models/${model}/predict`, json({ features })),
      503,
      'no_version_promoted',
      new RegExp(`no promoted version yet; promote one with \`npm run promote -- ${model} <version>\``),
    );
  });

  it('503s when the only pointer is not valid', async () => {
    const model = uniqueModel();
    await seedVersion({ model, version: '1' });
    await putPointer('{"model": "x"', model);
    await expectError(
      await send(`/v1/models/${model}/predict`, json({ features })),
      503,
      'pointer_invalid',
      /not JSON/,
    );
  });

  it('404s a model name that cannot exist, saying why', async () => {
    await expectError(
      await send('/v1/models/%20padded/predict', json({ features })),
      404,
      'model_not_found',
      /^model " padded" cannot exist: model names may not start or end with whitespace$/,
    );
  });

  it('answers unknown routes with a JSON 404', async () => {
    await expectError(await send('/nope'), 404, 'not_found', /no route for GET \/nope/);
    await expectError(await send('/predict'), 404, 'not_found', /GET \/predict/);
  });
});

describe('a model whose output is not a number', () => {
  it('answers 500 invalid_output, never a confident "legit", and counts it in /metrics', async () => {
    const model = uniqueModel();
    // x → [1e38·x, -1e38·x] → sum → sigmoid: finite for x = 0 (the warm-up sample), NaN (∞ - ∞) for x = 10
    const seeded = await seedGraphVersion({
      model,
      version: '1',
      layers: [
        { kernel: [[1e38, -1e38]], bias: [0, 0], activation: 'linear' },
        { kernel: [[1], [1]], bias: [0], activation: 'sigmoid' },
      ],
    });
    await putPointer(seeded.pointer);
    const fine = await send(`/v1/models/${model}/predict`, json({ features: [0] }));
    expect(fine.status).toBe(200);
    expect(await fine.json()).toMatchObject({ prediction: 1, probability: 0.5, label: 'fraud' });

    for (const path of [`/v1/models/${model}/predict`, `/v1/models/${model}/versions/1/predict`]) {
      const res = await send(path, json({ features: [10] }));
      expect(res.status, path).toBe(500);
      expect(res.headers.get('x-model-version')).toBe('1');
      expect(await res.json()).toEqual({
        error: {
          code: 'invalid_output',
          message: 'the model gave NaN as output 0 of instance 0, not a finite number; no answer is given',
        },
      });
    }
    const batch = await send(`/v1/models/${model}/predict`, json({ instances: [[0], [10]] }));
    expect(batch.status).toBe(500);
    expect(((await batch.json()) as EdgeError).error.message).toMatch(/of instance 1,/);

    const metrics = await (await send('/metrics')).text();
    expect(metrics).toContain(`edgeflow_predict_invalid_outputs_total{model="${model}",version="1"} 3`);
    expect(metrics).toContain(`edgeflow_predict_requests_total{model="${model}",version="1",status="500"} 3`);
  });
});

describe('model names: exactly the ones the tracker registers', () => {
  const label = (name: string) => (name.length > 40 ? `${name.slice(0, 12)}… (${name.length})` : name);

  it.each(SERVABLE_MODEL_NAMES.map((name) => [label(name), name]))(
    'serves %s, percent-encoded in the path',
    async (_, name) => {
      const seeded = await seedVersion({ model: name, version: '1', kind: 'regression' });
      await putPointer(seeded.pointer);
      const path = `/v1/models/${encodeURIComponent(name)}`;
      for (const route of [`${path}/predict`, `${path}/versions/1/predict`]) {
        const res = await send(route, json({ features }));
        expect(res.status, route).toBe(200);
        const body = (await res.json()) as Prediction;
        expect(body).toMatchObject({ model: name, version: '1' });
        close(body.prediction, seeded.expected(features)[0]!);
      }
      expect(await (await send(path)).json()).toMatchObject({ model: name, live: '1', serving: '1' });
    },
  );

  // "", "." and ".." never reach a handler: the URL parser drops such segments (a route 404)
  const unroutable = new Set(['', '.', '..']);

  it.each(REFUSED_MODEL_NAMES)('refuses a name with %s even when R2 and KV hold it', async (_, name) => {
    let encoded: string;
    try {
      encoded = encodeURIComponent(name);
    } catch {
      // an unpaired surrogate has no UTF-8 form: no URL can name it
      expect(() => encodeURIComponent(name)).toThrow(URIError);
      return;
    }
    if (!unroutable.has(name) && new TextEncoder().encode(pointerKey(name)).length <= 512) {
      await putPointer((await seedVersion({ model: name, version: '1' })).pointer);
    }
    const path = `/v1/models/${encoded}`;
    for (const [route, init] of [
      [`${path}/predict`, json({ features })],
      [`${path}/versions/1/predict`, json({ features })],
      [path, undefined],
    ] as const) {
      const res = await send(route, init);
      expect(res.status, route).toBe(404);
      const { error } = (await res.json()) as EdgeError;
      if (unroutable.has(name)) expect(error.code, route).toBe('not_found');
      else
        expect(error, route).toEqual({
          code: 'model_not_found',
          message: `model "${name}" cannot exist: ${modelNameProblem(name)}`,
        });
    }
  });
});

describe('GET /v1/models/:name', () => {
  it('names the live and serving version and gives the signature', async () => {
    const { model, signature } = await live('multiclass');
    await putPointer({
      ...(await seedVersion({ model, version: '2', kind: 'multiclass' })).pointer,
      previous: '1',
      canary: { version: '1', weight: 0.1 },
    });
    const res = await send(`/v1/models/${model}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-model-version')).toBe('2');
    expect(await res.json()).toMatchObject({
      model,
      live: '2',
      serving: '2',
      previous: '1',
      canary: { version: '1', weight: 0.1 },
      signature,
    });
    expect((await send('/v1/models/no-such-model')).status).toBe(404);
  });
});

describe('GET /ping', () => {
  it('pongs', async () => {
    expect(await (await send('/ping')).text()).toBe('pong');
  });
});
