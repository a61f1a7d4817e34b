import { describe, expect, it } from 'vitest';
import { useTempStore } from '../testing/temp-store.ts';
import type { Metric, MetricWithRunId } from './entities.ts';
import { sampleSteps } from './metric-bulk-interval.ts';

describe('get-history-bulk-interval in the store', () => {
  const db = useTempStore({ prefix: 'edgeflow-bulk-' });

  const newRun = async (metrics: Metric[]) => {
    const id = (await db.store.createRun({ experiment_id: '0' })).info.run_id;
    for (let i = 0; i < metrics.length; i += 1000) await db.store.logBatch(id, { metrics: metrics.slice(i, i + 1000) });
    return id;
  };
  const history = (steps: number[], value = (s: number) => s / 10) =>
    steps.map((step) => ({ key: 'loss', value: value(step), timestamp: 1000 + step, step }));
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
  const stepsOf = (points: MetricWithRunId[], runId: string) =>
    points.filter((p) => p.run_id === runId).map((p) => p.step);
  const bulk = (run_ids: string[], max_results: number, window: { start_step?: number; end_step?: number } = {}) =>
    db.store.getMetricHistoryBulkInterval({ run_ids, metric_key: 'loss', max_results, ...window });

  it('returns every step when they number at most max_results, in run order then step order', async () => {
    const a = await newRun(history(range(0, 9)));
    const b = await newRun(history([3, 12]));
    const points = await bulk([b, a], 12);
    expect(points.map((p) => p.run_id)).toEqual([b, b, ...Array<string>(10).fill(a)]);
    expect(stepsOf(points, a)).toEqual(range(0, 9));
    expect(points[0]).toEqual({ key: 'loss', value: 0.3, timestamp: 1003, step: 3, run_id: b });
  });

  it('samples max_results steps evenly, keeping the last step overall and each run’s first and last step', async () => {
    const long = await newRun(history(range(0, 999)));
    const late = await newRun(history(range(101, 457)));
    const points = await bulk([long, late], 10);
    // MLflow: the 1,000 steps at indexes ⌊i·100⌋ and the last one, plus late's 101 and 457.
    const sampled = [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 999];
    expect(stepsOf(points, long)).toEqual([...sampled, 101, 457].sort((x, y) => x - y));
    expect(stepsOf(points, late)).toEqual([101, 200, 300, 400, 457]);
    // The same in a window: only edges inside it are kept.
    const windowed = await bulk([long, late], 4, { start_step: 400, end_step: 499 });
    expect(stepsOf(windowed, long)).toEqual([400, 425, 450, 457, 475, 499]);
    expect(stepsOf(windowed, late)).toEqual([400, 425, 450, 457]);
  });

  it('answers a zoomed window in full when it holds at most max_results steps', async () => {
    const run = await newRun(history(range(0, 4999)));
    expect(stepsOf(await bulk([run], 300), run)).toHaveLength(301);
    expect(stepsOf(await bulk([run], 300, { start_step: 1000, end_step: 1299 }), run)).toEqual(range(1000, 1299));
    // Few steps of many (SQLite seeks them): still MLflow's sample.
    expect(stepsOf(await bulk([run], 100), run)).toEqual(
      [...sampleSteps(0, 4999, 100, range(0, 4999))].sort((x, y) => x - y),
    );
    // Most steps of the range (SQLite reads it and keeps the sample's).
    expect(stepsOf(await bulk([run], 3000), run)).toEqual(
      [...sampleSteps(0, 4999, 3000, range(0, 4999))].sort((x, y) => x - y),
    );
    expect(await bulk([run], 10, { start_step: 6000, end_step: 7000 })).toEqual([]);
  });

  it('keeps every point of a sampled step (several per step) in (step, timestamp, value) order', async () => {
    const run = await newRun([
      { key: 'loss', value: 2, timestamp: 5, step: 1 },
      { key: 'loss', value: 1, timestamp: 5, step: 1 },
      { key: 'loss', value: 9, timestamp: 4, step: 1 },
      { key: 'loss', value: 0, timestamp: 1, step: 0 },
    ]);
    const points = await bulk([run], 5);
    expect(points.map((p) => [p.step, p.timestamp, p.value])).toEqual([
      [0, 1, 0],
      [1, 4, 9],
      [1, 5, 1],
      [1, 5, 2],
    ]);
  });

  it('writes every double exactly and NaN/±Infinity as MLflow strings in the JSON body', async () => {
    // The first two are values whose 16-digit forms SQLite reads back as the same double, though they are not.
    const values = [
      0.45998085056783933,
      0.25402894727675013,
      0.1 + 0.2,
      0.1,
      1e-300,
      -2.5e-7,
      5,
      2 ** 53 + 2,
      6.02214076e23,
      Number.MIN_VALUE,
      Number.MAX_VALUE,
    ];
    const odd = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    const run = await newRun([...values, ...odd].map((value, step) => ({ key: 'loss', value, timestamp: 1, step })));
    const text = await db.store.getMetricHistoryBulkIntervalJson({
      run_ids: [run],
      metric_key: 'loss',
      max_results: 100,
    });
    const parsed = JSON.parse(text) as { metrics: { value: number | string }[] };
    expect(parsed.metrics.map((m) => m.value)).toEqual([...values, 'NaN', 'Infinity', '-Infinity']);
    expect(Object.keys(parsed)).toEqual(['metrics']);
    expect((await bulk([run], 100)).map((p) => p.value)).toEqual([...values, ...odd]);
  });

  it('puts the metric key and run id into the JSON escaped, and answers runs without the metric with nothing', async () => {
    const key = 'a "quoted" \\ key/é';
    const run = await newRun([{ key, value: 1, timestamp: 2, step: 3 }]);
    const empty = await newRun([]);
    const text = await db.store.getMetricHistoryBulkIntervalJson({
      run_ids: [empty, run, run],
      metric_key: key,
      max_results: 10,
    });
    expect(JSON.parse(text)).toEqual({ metrics: [{ key, value: 1, timestamp: 2, step: 3, run_id: run }] });
    expect(
      await db.store.getMetricHistoryBulkIntervalJson({ run_ids: [empty], metric_key: key, max_results: 10 }),
    ).toBe('{"metrics":[]}');
  });

  it('refuses an unknown run with RESOURCE_DOES_NOT_EXIST naming it', async () => {
    const run = await newRun(history([0]));
    await expect(bulk([run, 'f'.repeat(32)], 10)).rejects.toMatchObject({
      code: 'RESOURCE_DOES_NOT_EXIST',
      message: `Run with id=${'f'.repeat(32)} not found`,
    });
  });
});

describe('sampleSteps (MLflow’s _get_sampled_steps_from_steps)', () => {
  it('keeps every step in range when few, else max evenly spaced ones and the last', () => {
    expect([...sampleSteps(2, 5, 10, [0, 2, 3, 5, 8])]).toEqual([2, 3, 5]);
    expect([...sampleSteps(0, 9, 3, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])]).toEqual([0, 3, 6, 9]);
    expect([...sampleSteps(0, 100, 2, [0, 10, 20, 30, 40])]).toEqual([0, 20, 40]);
    expect([...sampleSteps(50, 60, 2, [0, 10, 20])]).toEqual([]);
  });
});
