import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { buildMlp, predictProbabilities } from './mlp.ts';
import { initBackend } from './tf-backend.ts';

describe('initBackend', () => {
  it('runs the WASM backend from node_modules and agrees with the CPU backend within 1e-5', async () => {
    expect(await initBackend('cpu')).toBe('cpu');
    const model = buildMlp({ inputDim: 20, hiddenUnits: [64, 32], learningRate: 0.001, seed: 11 });
    const rows = Array.from({ length: 16 }, (_, i) => Array.from({ length: 20 }, (_, j) => Math.sin(i * 20 + j)));
    const onCpu = await predictProbabilities(model, rows);

    expect(await initBackend('wasm')).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const onWasm = await predictProbabilities(model, rows);
    onWasm.forEach((p, i) => expect(Math.abs(p - onCpu[i]!)).toBeLessThan(1e-5));
  });

  it('builds the same initial weights for the same seed', async () => {
    const a = buildMlp({ inputDim: 4, hiddenUnits: [3], learningRate: 0.01, seed: 1 });
    const b = buildMlp({ inputDim: 4, hiddenUnits: [3], learningRate: 0.01, seed: 1 });
    const c = buildMlp({ inputDim: 4, hiddenUnits: [3], learningRate: 0.01, seed: 2 });
    const w = (m: typeof a) => m.getWeights().map((t) => Array.from(t.dataSync()));
    expect(w(a)).toEqual(w(b));
    expect(w(a)).not.toEqual(w(c));
  });
});
