import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { Prediction, Signature } from '../../contracts/index.ts';
import type { Health } from './health-handler.ts';
import { loadGraphRunner } from './load-graph-model.ts';
import type { BatchPrediction } from './predict-handler.ts';
import { edgeUnderTest } from './testing/edge-under-test.ts';
import { buildGraphModel, type FixtureLayer, randomLayers, referenceForward } from './testing/graph-model-fixture.ts';
import { putPointer, SHARD, seedGraphVersion, seedVersion, uniqueModel } from './testing/seed-version.ts';
import { json } from './testing/send.ts';
import { tfReady } from './tfjs.ts';

const TTL = 100;
const edge = edgeUnderTest();

async function post<T>(
  model: string,
  body: unknown,
  path = `/v1/models/${model}/predict`,
): Promise<{ status: number; body: T }> {
  const res = await edge.sendWith({ POINTER_TTL_MS: String(TTL), DEFAULT_MODEL: model }, path, json(body));
  return { status: res.status, body: (await res.json()) as T };
}

function expectClose(got: number[], want: number[], tolerance: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++)
    expect(Math.abs(got[i]! - want[i]!), `value ${i}: ${got[i]} vs ${want[i]}`).toBeLessThan(tolerance);
}

/** A 2 → 2 (relu) → 1 (sigmoid) net small enough to compute by hand. */
const byHand: FixtureLayer[] = [
  {
    kernel: [
      [1, -1],
      [0.5, 1],
    ],
    bias: [0, -3],
    activation: 'relu',
  },
  { kernel: [[0.25], [7]], bias: [0.5], activation: 'sigmoid' },
];

const rows = (n: number, d: number) =>
  Array.from({ length: n }, (_, r) => Array.from({ length: d }, (_, i) => Math.sin(r * 7.1 + i * 1.3) * 3));

describe('TFJS GraphModel versions', () => {
  it('serves a graph computed by hand: x=[1,2] → h=relu([2,-2])=[2,0] → sigmoid(0.5+0.5)=0.7310586', async () => {
    const model = uniqueModel('g');
    await putPointer((await seedGraphVersion({ model, version: '1', layers: byHand })).pointer);
    const { status, body } = await post<Prediction>(model, { features: [1, 2] });
    expect(status).toBe(200);
    expect(body).toMatchObject({ model, version: '1', prediction: 1, label: 'fraud', confidence: 'medium' });
    expect(Math.abs(body.probability! - 1 / (1 + Math.exp(-1)))).toBeLessThan(1e-6);
    expect(edge.registry.snapshot().loaded.find((m) => m.name === model)).toMatchObject({
      backend: 'tfjs-graph-wasm',
      bytes: (4 + 2 + 2 + 1) * 4,
    });
  });

  it.each(['plain', 'converter'] as const)(
    'a %s graph (6 → 16 relu → 8 tanh → 3 softmax, standardized) matches the plain-JS forward pass within 1e-5, single and batched',
    async (style) => {
      const model = uniqueModel('g');
      const layers = randomLayers([6, 16, 8, 3], ['relu', 'tanh', 'softmax'], style === 'plain' ? 7 : 11);
      const standardize = { mean: [0, 1, -1, 0.5, 2, -2], std: [1, 2, 0.5, 1.5, 3, 1] };
      const v1 = await seedGraphVersion({ model, version: '1', layers, style, standardize });
      await putPointer(v1.pointer);

      const x = rows(64, 6);
      const single = await post<Prediction>(model, { inputs: Object.fromEntries(x[0]!.map((v, i) => [`f${i}`, v])) });
      expect(single.status).toBe(200);
      const want0 = v1.expected(x[0]!);
      const best = want0.indexOf(Math.max(...want0));
      expect(single.body).toMatchObject({ prediction: best, label: `class-${best}`, version: '1' });
      expect(Math.abs(single.body.probability! - want0[best]!)).toBeLessThan(1e-5);

      const batch = await post<BatchPrediction>(model, { instances: x });
      expect(batch.status).toBe(200);
      expect(batch.body.predictions).toHaveLength(64);
      batch.body.predictions.forEach((p, r) => {
        const want = v1.expected(x[r]!);
        const k = want.indexOf(Math.max(...want));
        expect(p.prediction).toBe(k);
        expect(Math.abs(p.probability! - want[k]!)).toBeLessThan(1e-5);
      });
    },
  );

  it('dequantizes --quantize_uint8 weights and budgets the cache by their decoded size', async () => {
    const model = uniqueModel('g');
    const layers = randomLayers([5, 10, 2], ['relu', 'softmax'], 13);
    const v1 = await seedGraphVersion({ model, version: '1', layers, style: 'converter', quantize: 'uint8' });
    expect(v1.layers[0]!.kernel[0]).not.toEqual(layers[0]!.kernel[0]); // quantization changed the weights
    await putPointer(v1.pointer);
    const x = rows(16, 5);
    const batch = await post<BatchPrediction>(model, { instances: x });
    expect(batch.status).toBe(200);
    batch.body.predictions.forEach((p, r) => {
      const want = v1.expected(x[r]!);
      expect(Math.abs(p.probability! - want[p.prediction]!)).toBeLessThan(1e-5);
      expect(p.probability).toBe(Math.max(p.probability!, 1 - p.probability!));
    });
    const floats = 5 * 10 + 10 + 10 * 2 + 2;
    expect((await env.MODELS.head(`models/${model}/1/${SHARD}`))!.size).toBe(floats); // one byte a weight
    expect(edge.registry.snapshot().loaded.find((m) => m.name === model)!.bytes).toBe(floats * 4);
  });

  it('runs a graph with control flow (tf.cond → Switch/Merge) through executeAsync, batched', async () => {
    await tfReady();
    const layers = randomLayers([5, 12, 1], ['relu', 'linear'], 3);
    const { modelJson, weights } = buildGraphModel({ layers, controlFlow: true });
    const handler = {
      load: async () => ({ ...modelJson, weightSpecs: modelJson.weightsManifest[0]!.weights, weightData: weights }),
    };
    const signature: Signature = {
      inputs: Array.from({ length: 5 }, (_, i) => ({ name: `f${i}`, dtype: 'float32' as const })),
      output: { kind: 'regression' },
      format: 'tfjs-graph',
      sample: [0, 0, 0, 0, 0],
    };
    const runner = await loadGraphRunner(handler as never, signature, new Float32Array(5));
    expect(runner.async).toBe(true);
    expect(runner.units).toBe(1);
    const x = rows(32, 5);
    const y = await runner.run(Float32Array.from(x.flat()), 32);
    expectClose(
      Array.from(y),
      x.map((r) => referenceForward(layers, r)[0]!),
      1e-5,
    );
    runner.dispose();

    const model = uniqueModel('g');
    await putPointer(
      (await seedGraphVersion({ model, version: '1', layers, controlFlow: true, output: { kind: 'regression' } }))
        .pointer,
    );
    const answer = await post<BatchPrediction>(model, { instances: x.slice(0, 4) });
    expect(answer.status).toBe(200);
    expectClose(
      answer.body.predictions.map((p) => p.prediction),
      x.slice(0, 4).map((r) => referenceForward(layers, r)[0]!),
      1e-5,
    );
  });

  it('uses execute (sync) for a graph without control flow', async () => {
    await tfReady();
    const { modelJson, weights } = buildGraphModel({ layers: byHand, style: 'converter' });
    const handler = {
      load: async () => ({ ...modelJson, weightSpecs: modelJson.weightsManifest[0]!.weights, weightData: weights }),
    };
    const signature: Signature = {
      inputs: [
        { name: 'a', dtype: 'float32' },
        { name: 'b', dtype: 'float32' },
      ],
      output: { kind: 'binary', threshold: 0.5, labels: ['no', 'yes'] },
      format: 'tfjs-graph',
      sample: [1, 2],
    };
    const runner = await loadGraphRunner(handler as never, signature, Float32Array.of(1, 2));
    expect(runner.async).toBe(false);
    const y = runner.run(Float32Array.of(1, 2, 0, 0), 2);
    expect(y).toBeInstanceOf(Float32Array);
    expectClose(Array.from(y as Float32Array), [1 / (1 + Math.exp(-1)), 1 / (1 + Math.exp(-0.5))], 1e-6);
    runner.dispose();
  });
});

type Fixture = ReturnType<typeof buildGraphModel>['modelJson'];

async function rewriteModelJson(model: string, version: string, edit: (json: Fixture) => void): Promise<void> {
  const key = `models/${model}/${version}/model.json`;
  const json = (await (await env.MODELS.get(key))!.json()) as Fixture;
  edit(json);
  await env.MODELS.put(key, JSON.stringify(json));
}

async function sha256Of(key: string): Promise<string> {
  const bytes = await (await env.MODELS.get(key))!.arrayBuffer();
  return Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
}

describe('a bad graph version promoted while a good one serves', () => {
  const layers = randomLayers([4, 8, 1], ['relu', 'sigmoid'], 5);
  const features = [0.5, -1, 2, 0.25];

  it.each([
    [
      'a node whose input is not in the graph',
      'node "dense_1/MatMul" takes input "dense_0/Relu_gone", which is not in the graph',
      (m: string) =>
        rewriteModelJson(m, '2', (j) => {
          j.modelTopology.node.find((n) => n.name === 'dense_1/MatMul')!.input![0] = 'dense_0/Relu_gone';
        }),
    ],
    [
      'a missing Const node',
      'node "dense_0/MatMul" takes input "dense_0/kernel", which is not in the graph',
      (m: string) =>
        rewriteModelJson(m, '2', (j) => {
          j.modelTopology.node = j.modelTopology.node.filter((n) => n.name !== 'dense_0/kernel');
        }),
    ],
    [
      'a Const whose weights are not in the manifest',
      'Const node "dense_1/bias" has no weights in the weightsManifest',
      (m: string) =>
        rewriteModelJson(m, '2', (j) => {
          j.weightsManifest[0]!.weights = j.weightsManifest[0]!.weights.filter((w) => w.name !== 'dense_1/bias');
        }),
    ],
    [
      'an input shape that does not fit the signature',
      'the graph takes shape [-1,4] but the signature has 5 inputs',
      async (m: string) => {
        const sig = {
          inputs: Array.from({ length: 5 }, (_, i) => ({ name: `g${i}`, dtype: 'float32' })),
          output: { kind: 'regression' },
          format: 'tfjs-graph',
          sample: [0, 0, 0, 0, 0],
        };
        await env.MODELS.put(`models/${m}/2/signature.json`, JSON.stringify(sig));
      },
    ],
    [
      'a fixed batch size',
      'the graph takes shape [1,4]',
      (m: string) =>
        rewriteModelJson(m, '2', (j) => {
          const x = j.modelTopology.node.find((n) => n.op === 'Placeholder')!;
          (x.attr!.shape as { shape: { dim: Array<{ size: string }> } }).shape.dim[0]!.size = '1';
        }),
    ],
    [
      'an output width that does not fit the output kind',
      'the graph outputs 1 values a row, which does not fit a multiclass signature',
      async (m: string) => {
        const sig = {
          inputs: Array.from({ length: 4 }, (_, i) => ({ name: `f${i}`, dtype: 'float32' })),
          output: { kind: 'multiclass', labels: ['a', 'b', 'c'] },
          format: 'tfjs-graph',
          sample: [0, 0, 0, 0],
        };
        await env.MODELS.put(`models/${m}/2/signature.json`, JSON.stringify(sig));
      },
    ],
    [
      'a layers model.json under a tfjs-graph signature',
      'model.json is a layers-model, but signature.json says tfjs-graph',
      async (m: string) => {
        const layersModel = uniqueModel('l');
        await seedVersion({ model: layersModel, version: '1', kind: 'binary' });
        await env.MODELS.put(
          `models/${m}/2/model.json`,
          await (await env.MODELS.get(`models/${layersModel}/1/model.json`))!.text(),
        );
      },
    ],
    [
      'a model.json changed after promotion',
      'does not match the sha256 recorded at promotion',
      (m: string) => rewriteModelJson(m, '2', (j) => void (j.generatedBy = 'edited')),
      false,
    ],
    ['a missing weight shard', `${SHARD} is missing`, (m: string) => env.MODELS.delete(`models/${m}/2/${SHARD}`)],
  ])('keeps serving v1 through %s and says why', async (_, reason, corrupt, promotedAfter = true) => {
    const model = uniqueModel('g');
    const v1 = await seedGraphVersion({ model, version: '1', layers });
    const v2 = await seedGraphVersion({ model, version: '2', layers: randomLayers([4, 8, 1], ['relu', 'sigmoid'], 6) });
    await putPointer(v1.pointer);
    expect((await post<Prediction>(model, { features })).body.version).toBe('1');

    await corrupt(model);
    // promoted as it now is (the tracker hashes model.json at promotion), unless it changed after that
    const modelJsonSha256 = promotedAfter ? await sha256Of(`models/${model}/2/model.json`) : v2.pointer.modelJsonSha256;
    await putPointer({ ...v2.pointer, modelJsonSha256, previous: '1' });
    edge.clock.advance(TTL);
    for (let i = 0; i < 3; i++) {
      const answer = await post<Prediction>(model, { features });
      expect(answer.status).toBe(200);
      expect(answer.body.version).toBe('1');
      expect(Math.abs(answer.body.probability! - v1.expected(features)[0]!)).toBeLessThan(1e-5);
    }
    const res = await edge.sendWith({ POINTER_TTL_MS: String(TTL), DEFAULT_MODEL: model }, '/health/details');
    const health = (await res.json()) as Health;
    expect(health).toMatchObject({ status: 'degraded', version: '1', live: '2' });
    expect(health.lastError).toContain('version 2 failed to load');
    expect(health.lastError).toContain(reason);
    expect(edge.registry.modelHealth(model, '2')).toMatchObject({ loads: 2, loadFailures: 1 });
  });

  it('refuses a graph model.json under a tfjs-layers signature', async () => {
    const model = uniqueModel('g');
    const v1 = await seedGraphVersion({ model, version: '1', layers });
    const sig = (await (await env.MODELS.get(`models/${model}/1/signature.json`))!.json()) as Signature;
    await env.MODELS.put(`models/${model}/1/signature.json`, JSON.stringify({ ...sig, format: 'tfjs-layers' }));
    await putPointer(v1.pointer);
    const res = await edge.sendWith({}, `/v1/models/${model}/predict`, json({ features }));
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
      'model.json is a graph-model, but signature.json says tfjs-layers',
    );
  });
});
