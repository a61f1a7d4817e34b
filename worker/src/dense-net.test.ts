import type { LayersModel } from '@tensorflow/tfjs-layers';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { extractDenseNet } from './dense-net.ts';
import { DENSE_JS_MAX_MACS } from './load-model.ts';
import { edgeUnderTest } from './testing/edge-under-test.ts';
import { putPointer, seedVersion, uniqueModel } from './testing/seed-version.ts';
import { json } from './testing/send.ts';
import { tf, tfReady } from './tfjs.ts';

function rows(n: number, d: number, seed = 1): Float32Array {
  const x = new Float32Array(n * d);
  for (let i = 0; i < x.length; i++) x[i] = Math.sin((i + seed) * 7.13) * 3;
  return x;
}

function predict(model: LayersModel, x: Float32Array, n: number, d: number): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor2d(x, [n, d])) as tf.Tensor).dataSync() as Float32Array);
}

function expectClose(a: Float32Array, b: Float32Array, tolerance: number): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  expect(worst).toBeLessThan(tolerance);
}

describe('extractDenseNet', () => {
  it.each([
    [
      'relu → sigmoid',
      () =>
        tfl.sequential({
          layers: [
            tfl.layers.dense({ inputShape: [20], units: 64, activation: 'relu' }),
            tfl.layers.dense({ units: 32, activation: 'relu' }),
            tfl.layers.dense({ units: 1, activation: 'sigmoid' }),
          ],
        }),
    ],
    [
      'tanh → softmax, no bias',
      () =>
        tfl.sequential({
          layers: [
            tfl.layers.dense({ inputShape: [7], units: 16, activation: 'tanh', useBias: false }),
            tfl.layers.dense({ units: 5, activation: 'softmax' }),
          ],
        }),
    ],
    [
      'dropout and an activation layer',
      () =>
        tfl.sequential({
          layers: [
            tfl.layers.dense({ inputShape: [9], units: 12 }),
            tfl.layers.activation({ activation: 'relu6' }),
            tfl.layers.dropout({ rate: 0.5 }),
            tfl.layers.dense({ units: 1 }),
          ],
        }),
    ],
    [
      'a functional chain',
      () => {
        const input = tfl.input({ shape: [6] });
        const hidden = tfl.layers.dense({ units: 10, activation: 'relu' }).apply(input) as tfl.SymbolicTensor;
        return tfl.model({
          inputs: input,
          outputs: tfl.layers.dense({ units: 3, activation: 'softmax' }).apply(hidden) as tfl.SymbolicTensor,
        });
      },
    ],
  ])('matches model.predict within 1e-5: %s', async (_, build) => {
    await tfReady();
    const model = build();
    const d = model.inputs[0]!.shape[1] as number;
    const net = extractDenseNet(model)!;
    expect(net).not.toBeNull();
    for (const n of [1, 3, 64]) expectClose(net.run(rows(n, d, n), n), predict(model, rows(n, d, n), n, d), 1e-5);
    model.dispose();
  });

  it('refuses what is not a straight chain of dense layers', async () => {
    await tfReady();
    const input = tfl.input({ shape: [4] });
    const a = tfl.layers.dense({ units: 3 }).apply(input) as tfl.SymbolicTensor;
    const b = tfl.layers.dense({ units: 3 }).apply(input) as tfl.SymbolicTensor;
    const branched = tfl.model({ inputs: input, outputs: tfl.layers.add().apply([a, b]) as tfl.SymbolicTensor });
    expect(extractDenseNet(branched)).toBeNull();
    const normed = tfl.sequential({
      layers: [tfl.layers.dense({ inputShape: [4], units: 3 }), tfl.layers.batchNormalization()],
    });
    expect(extractDenseNet(normed)).toBeNull();
    const elu = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 3, activation: 'elu' })] });
    expect(extractDenseNet(elu)).toBeNull();
  });
});

describe('backends', () => {
  it('uses the WASM backend in workerd, and WASM and CPU agree within 1e-4 at batch 64', async () => {
    expect(await tfReady()).toBe('wasm');
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ inputShape: [256], units: 128, activation: 'relu' }),
        tfl.layers.dense({ units: 64, activation: 'relu' }),
        tfl.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    const x = rows(64, 256);
    const onWasm = predict(model, x, 64, 256);
    expect(tf.getBackend()).toBe('wasm');
    try {
      await tf.setBackend('cpu');
      const onCpu = predict(model, x, 64, 256);
      expectClose(onWasm, onCpu, 1e-4);
      expectClose(extractDenseNet(model)!.run(x, 64), onCpu, 1e-5);
    } finally {
      await tf.setBackend('wasm');
      model.dispose();
    }
  });

  it('runs small dense nets as plain JS and bigger ones on WASM', async () => {
    const edge = edgeUnderTest();
    const small = uniqueModel();
    const big = uniqueModel();
    const s = await seedVersion({ model: small, version: '1', kind: 'regression' });
    const b = await seedVersion({ model: big, version: '1', kind: 'regression', inputs: DENSE_JS_MAX_MACS / 8 + 1 });
    await putPointer(s.pointer);
    await putPointer(b.pointer);
    const bigRow = Array.from({ length: DENSE_JS_MAX_MACS / 8 + 1 }, (_, i) => Math.cos(i));
    for (const [model, seeded, features] of [
      [small, s, [1, 2, 3, 4]],
      [big, b, bigRow],
    ] as const) {
      const res = await edge.sendWith({}, `/v1/models/${model}/predict`, json({ features }));
      expect(res.status).toBe(200);
      const body = (await res.json()) as { prediction: number };
      expect(Math.abs(body.prediction - seeded.expected([...features])[0]!)).toBeLessThan(1e-4);
    }
    const backends = Object.fromEntries(edge.registry.snapshot().loaded.map((m) => [m.name, m.backend]));
    expect(backends[small]).toBe('dense-js');
    expect(backends[big]).toBe('tfjs-wasm');
  });
});
