import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { Prediction } from '../../contracts/index.ts';
import type { Health } from './health-handler.ts';
import { type EdgeUnderTest, edgeUnderTest } from './testing/edge-under-test.ts';
import { putPointer, SHARD, seedVersion, uniqueModel } from './testing/seed-version.ts';
import { json } from './testing/send.ts';

const features = [1, 2, 3, 4];
const TTL = 100;
/** The registry's default `retryFailedAfterMs`. */
const RETRY = 30_000;

/** Predicts through the app with a short pointer TTL and the model as DEFAULT_MODEL. */
async function predict(edge: EdgeUnderTest, model: string): Promise<{ status: number; body: Prediction }> {
  const res = await edge.sendWith(
    { POINTER_TTL_MS: String(TTL), DEFAULT_MODEL: model },
    `/v1/models/${model}/predict`,
    json({ features }),
  );
  return { status: res.status, body: (await res.json()) as Prediction };
}

async function health(edge: EdgeUnderTest, model: string): Promise<{ status: number; body: Health }> {
  const res = await edge.sendWith({ POINTER_TTL_MS: String(TTL), DEFAULT_MODEL: model }, '/health/details');
  return { status: res.status, body: (await res.json()) as Health };
}

describe('version switches', () => {
  it('serves a new pointer from the first request after the TTL, waiting for its load, and rolls back instantly', async () => {
    const edge = edgeUnderTest();
    const model = uniqueModel();
    const v1 = await seedVersion({ model, version: '1', kind: 'regression' });
    const v2 = await seedVersion({ model, version: '2', kind: 'regression' });
    await putPointer(v1.pointer);
    expect((await predict(edge, model)).body.version).toBe('1');

    await putPointer({ ...v2.pointer, previous: '1' });
    edge.clock.advance(TTL - 1);
    expect((await predict(edge, model)).body.version).toBe('1'); // pointer still cached
    edge.clock.advance(1);
    // the first request after the TTL waits for v2 to load: v1 is no longer named
    const after = await predict(edge, model);
    expect(after.body.version).toBe('2');
    expect(Math.abs(after.body.prediction - v2.expected(features)[0]!)).toBeLessThan(1e-5);

    await putPointer({ ...v1.pointer, previous: '2' });
    edge.clock.advance(TTL);
    const back = await predict(edge, model);
    expect(back.body.version).toBe('1'); // still loaded: no background load needed
    expect(Math.abs(back.body.prediction - v1.expected(features)[0]!)).toBeLessThan(1e-5);
    expect(edge.registry.modelHealth(model, '1').loads).toBe(2);
  });

  it('after a rollback answers the target, never the rolled-away version that is still loaded', async () => {
    const edge = edgeUnderTest();
    const model = uniqueModel();
    const seeded = await Promise.all(['2', '4', '5'].map((version) => seedVersion({ model, version })));
    const [v2, v4, v5] = seeded.map((s) => s.pointer);
    await putPointer({ ...v4!, previous: '2' });
    expect((await predict(edge, model)).body.version).toBe('4'); // v4 loaded; v2 never was

    await putPointer({ ...v2!, previous: '4' }); // roll back 4 → 2
    edge.clock.advance(TTL);
    const answers = await Promise.all(Array.from({ length: 6 }, () => predict(edge, model)));
    expect(answers.map((a) => [a.status, a.body.version])).toEqual(Array(6).fill([200, '2']));
    expect(edge.registry.modelHealth(model, '2').loads).toBe(2); // v4 and v2, each once
    expect((await health(edge, model)).body).toMatchObject({ status: 'ok', version: '2', live: '2' });

    await putPointer({ ...v5!, previous: '2' }); // promote 5
    edge.clock.advance(TTL);
    expect((await predict(edge, model)).body.version).toBe('5');
    expect((await predict(edge, model)).body.version).toBe('5');
  });

  it('serves a pinned version as asked, whatever the pointer names', async () => {
    const edge = edgeUnderTest();
    const model = uniqueModel();
    const v1 = await seedVersion({ model, version: '1' });
    await seedVersion({ model, version: '2' });
    await putPointer(v1.pointer);
    const pinned = await edge.sendWith({}, `/v1/models/${model}/versions/2/predict`, json({ features }));
    expect(((await pinned.json()) as Prediction).version).toBe('2');
    expect((await predict(edge, model)).body.version).toBe('1');
  });

  it('loads a cold model once for concurrent requests', async () => {
    const edge = edgeUnderTest();
    const model = uniqueModel();
    await putPointer((await seedVersion({ model, version: '1' })).pointer);
    const answers = await Promise.all(Array.from({ length: 8 }, () => predict(edge, model)));
    expect(answers.map((a) => [a.status, a.body.version])).toEqual(Array(8).fill([200, '1']));
    expect(edge.registry.modelHealth(model, '1').loads).toBe(1);
  });
});

describe('a bad version promoted while a good one serves', () => {
  it.each([
    ['a missing weight shard', `${SHARD} is missing`, (m: string) => env.MODELS.delete(`models/${m}/2/${SHARD}`)],
    [
      'a model.json that is not JSON',
      'model.json is not valid JSON',
      (m: string) => env.MODELS.put(`models/${m}/2/model.json`, '{"modelTopology":'),
    ],
    [
      'an invalid signature.json',
      'signature.json is invalid: sample',
      async (m: string) => {
        const sig = (await (await env.MODELS.get(`models/${m}/2/signature.json`))!.json()) as Record<string, unknown>;
        await env.MODELS.put(`models/${m}/2/signature.json`, JSON.stringify({ ...sig, sample: [1] }));
      },
    ],
    [
      'a signature whose inputs do not fit the model',
      'the model takes shape [null,4] but the signature has 5 inputs',
      async (m: string) => {
        const inputs = Array.from({ length: 5 }, (_, i) => ({ name: `g${i}`, dtype: 'float32' }));
        const sig = { inputs, output: { kind: 'regression' }, format: 'tfjs-layers', sample: [0, 0, 0, 0, 0] };
        await env.MODELS.put(`models/${m}/2/signature.json`, JSON.stringify(sig));
      },
    ],
    [
      'a model.json changed after promotion',
      'does not match the sha256 recorded at promotion',
      async (m: string) => {
        const text = await (await env.MODELS.get(`models/${m}/2/model.json`))!.text();
        await env.MODELS.put(`models/${m}/2/model.json`, `${text} `);
      },
    ],
  ])(
    'keeps serving v1 through %s, reports it in /health/details and does not retry it per request',
    async (_, reason, corrupt) => {
      const edge = edgeUnderTest();
      const model = uniqueModel();
      const v1 = await seedVersion({ model, version: '1', kind: 'regression' });
      const v2 = await seedVersion({ model, version: '2', kind: 'regression' });
      await putPointer(v1.pointer);
      expect((await predict(edge, model)).body.version).toBe('1');

      await corrupt(model);
      await putPointer({ ...v2.pointer, previous: '1' });
      edge.clock.advance(TTL);
      for (let i = 0; i < 5; i++) {
        const answer = await predict(edge, model);
        expect(answer.status).toBe(200);
        expect(answer.body.version).toBe('1');
        expect(Math.abs(answer.body.prediction - v1.expected(features)[0]!)).toBeLessThan(1e-5);
      }
      const h = await health(edge, model);
      expect(h.status).toBe(200);
      expect(h.body).toMatchObject({ status: 'degraded', model, version: '1', loaded: true, live: '2' });
      expect(h.body.lastError).toContain('version 2 failed to load');
      expect(h.body.lastError).toContain(reason);
      expect(edge.registry.modelHealth(model, '2')).toMatchObject({ loads: 2, loadFailures: 1 });
    },
  );

  it('retries a failed version after the retry interval and serves it once repaired', async () => {
    const edge = edgeUnderTest();
    const model = uniqueModel();
    const v1 = await seedVersion({ model, version: '1' });
    const v2 = await seedVersion({ model, version: '2' });
    await putPointer(v1.pointer);
    await predict(edge, model);
    const shard = await (await env.MODELS.get(`models/${model}/2/${SHARD}`))!.arrayBuffer();
    await env.MODELS.delete(`models/${model}/2/${SHARD}`);
    await putPointer(v2.pointer);
    edge.clock.advance(TTL);
    expect((await predict(edge, model)).body.version).toBe('1');
    expect(edge.registry.modelHealth(model, '2').loadFailures).toBe(1);

    await env.MODELS.put(`models/${model}/2/${SHARD}`, shard);
    edge.clock.advance(RETRY - 1);
    expect((await predict(edge, model)).body.version).toBe('1'); // not retried yet
    expect(edge.registry.modelHealth(model, '2').loads).toBe(2); // v1, and v2 once
    edge.clock.advance(1);
    // the first request after the interval waits for the retry, and is answered by the repaired version
    expect((await predict(edge, model)).body.version).toBe('2');
    expect((await health(edge, model)).body).toMatchObject({ status: 'ok', version: '2', live: '2' });
    expect((await health(edge, model)).body.lastError).toBeUndefined();
  });

  it('keeps the last good pointer when the KV value turns invalid', async () => {
    const edge = edgeUnderTest();
    const model = uniqueModel();
    const v1 = await seedVersion({ model, version: '1' });
    await putPointer(v1.pointer);
    await predict(edge, model);
    await putPointer(JSON.stringify({ ...v1.pointer, version: 'two' }), model);
    edge.clock.advance(TTL);
    const answer = await predict(edge, model);
    expect([answer.status, answer.body.version]).toEqual([200, '1']);
    const h = await health(edge, model);
    expect(h.body).toMatchObject({ status: 'degraded', version: '1', live: '1' });
    expect(h.body.lastError).toMatch(/pointer is invalid: version: version must be a positive integer string/);
  });

  it('answers 503 (not 500) when the only promoted version does not load, and /health/details says why', async () => {
    const edge = edgeUnderTest();
    const model = uniqueModel();
    const v1 = await seedVersion({ model, version: '1' });
    await env.MODELS.delete(`models/${model}/1/${SHARD}`);
    await putPointer(v1.pointer);
    const res = await edge.sendWith({}, `/v1/models/${model}/predict`, json({ features }));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      error: {
        code: 'model_unavailable',
        message: `version 1 of model "${model}" failed to load (models/${model}/1/${SHARD} is missing); promote a working version`,
      },
    });
    const h = await health(edge, model);
    expect(h.status).toBe(503);
    expect(h.body).toMatchObject({ status: 'unavailable', version: null, loaded: false, live: '1' });
    expect(h.body.lastError).toContain(`models/${model}/1/${SHARD} is missing`);
    expect(edge.registry.modelHealth(model, '1').loads).toBe(1);
  });
});
