import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitLogger } from './fit-logger.ts';
import { openTestTracker, type TestTracker } from './testing/test-tracker.ts';
import { TrackerClient } from './tracker-client.ts';

/* fitLogger on a real model.fit, logging to the real tracker over real HTTP. */
describe('fitLogger', () => {
  let tracker: TestTracker;
  beforeAll(async () => {
    tracker = await openTestTracker();
    tf.env().set('PROD', true);
    await tf.setBackend('cpu');
  });
  afterAll(() => tracker?.close());

  /** Every stored point of a metric, read with the tracker's get-history. */
  async function history(runId: string, key: string): Promise<{ value: number; step: number }[]> {
    const res = await fetch(
      `${tracker.url}/api/2.0/mlflow/metrics/get-history?${new URLSearchParams({ run_id: runId, metric_key: key })}`,
    );
    expect(res.status).toBe(200);
    return ((await res.json()) as { metrics?: { value: number; step: number }[] }).metrics ?? [];
  }

  it('logs every numeric log of every epoch of a real model.fit with step = epoch', async () => {
    const client = new TrackerClient({ baseUrl: tracker.url });
    const run = await client.createRun({ experimentId: '0', runName: 'fit' });
    const logger = client.metricLogger(run.run_id, { flushMs: 60_000 });

    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [2], activation: 'sigmoid' })] });
    model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const xs = tf.tensor2d([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
      [0.5, 0.5],
      [1, 0.2],
    ]);
    const ys = tf.tensor2d([[0], [1], [1], [1], [1], [1]]);
    await model.fit(xs, ys, {
      epochs: 3,
      validationSplit: 1 / 3,
      verbose: 0,
      callbacks: new tfl.CustomCallback(fitLogger(logger)),
    });
    await logger.close();

    const keys = (await client.getRun(run.run_id)).data.metrics.map((m) => m.key);
    expect(keys).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
    for (const key of keys) {
      const points = await history(run.run_id, key);
      expect(points.map((m) => m.step)).toEqual([0, 1, 2]);
      expect(points.every((m) => typeof m.value === 'number' && Number.isFinite(m.value))).toBe(true);
    }
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('skips non-numeric log values', async () => {
    const client = new TrackerClient({ baseUrl: tracker.url });
    const run = await client.createRun({ experimentId: '0', runName: 'fit-logs' });
    const logger = client.metricLogger(run.run_id, { flushMs: 60_000 });
    await fitLogger(logger).onEpochEnd(4, { loss: 0.25, note: 'text', nested: { a: 1 } });
    await fitLogger(logger).onEpochEnd(5);
    await logger.close();
    const { metrics } = (await client.getRun(run.run_id)).data;
    expect(metrics.map((m) => [m.key, m.value, m.step])).toEqual([['loss', 0.25, 4]]);
  });
});
