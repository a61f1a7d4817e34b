import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitLogger } from './fit-logger.ts';
import { MetricLogger } from './metric-logger.ts';
import { FakeTracker } from './testing/fake-tracker.ts';
import { TrackerClient } from './tracker-client.ts';

describe('fitLogger', () => {
  let fake: FakeTracker;
  beforeAll(async () => {
    fake = await new FakeTracker().start();
    tf.env().set('PROD', true);
    await tf.setBackend('cpu');
  });
  afterAll(() => fake.stop());

  it('logs every numeric log of every epoch of a real model.fit with step = epoch', async () => {
    const client = new TrackerClient({ baseUrl: fake.url });
    const run = await client.createRun({ experimentId: '0', runName: 'fit' });
    const logger = client.metricLogger(run.run_id, { flushMs: 60_000 });

    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [2], activation: 'sigmoid' })] });
    model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const xs = tf.tensor2d([[0, 0], [0, 1], [1, 0], [1, 1], [0.5, 0.5], [1, 0.2]]);
    const ys = tf.tensor2d([[0], [1], [1], [1], [1], [1]]);
    await model.fit(xs, ys, { epochs: 3, validationSplit: 1 / 3, verbose: 0, callbacks: new tfl.CustomCallback(fitLogger(logger)) });
    await logger.close();

    const history = fake.runs.get(run.run_id)!.history;
    const keys = [...new Set(history.map((m) => m.key))].sort();
    expect(keys).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
    for (const key of keys) {
      expect(history.filter((m) => m.key === key).map((m) => m.step)).toEqual([0, 1, 2]);
    }
    expect(history.every((m) => typeof m.value === 'number' && Number.isFinite(m.value))).toBe(true);
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('skips non-numeric log values', async () => {
    const seen: [string, number, number | undefined][] = [];
    const logger = new MetricLogger(async (metrics) => {
      for (const m of metrics) seen.push([m.key, m.value, m.step]);
    });
    await fitLogger(logger).onEpochEnd(4, { loss: 0.25, note: 'text', nested: { a: 1 } });
    await fitLogger(logger).onEpochEnd(5);
    await logger.close();
    expect(seen).toEqual([['loss', 0.25, 4]]);
  });
});
