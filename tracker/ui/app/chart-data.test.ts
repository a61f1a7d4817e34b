import { describe, expect, it } from 'vitest';
import { type Metric, Run } from '../../client/schemas.ts';
import { alignSeries, historyToSeries, logSafe, scatterData } from './chart-data.ts';

const pt = (step: number, value: number, timestamp = 1_000_000 + step * 1000): Metric => ({
  key: 'loss',
  step,
  value,
  timestamp,
});

describe('historyToSeries', () => {
  it('sorts by step, or by time in seconds', () => {
    const h = [pt(2, 0.2, 5000), pt(0, 1, 7000), pt(1, 0.5, 6000)];
    expect(historyToSeries(h, 'step')).toEqual({ xs: [0, 1, 2], ys: [1, 0.5, 0.2] });
    expect(historyToSeries(h, 'time')).toEqual({ xs: [5, 6, 7], ys: [0.2, 0.5, 1] });
  });
});

describe('alignSeries', () => {
  it('puts series on the union of their x values with gaps as null', () => {
    const a = { xs: [0, 1, 2], ys: [1, 2, 3] };
    const b = { xs: [1, 3], ys: [10, NaN] };
    expect(alignSeries([a, b])).toEqual([
      [0, 1, 2, 3],
      [1, 2, 3, null],
      [null, 10, null, null],
    ]);
  });

  it('handles 50 runs × 1,000 steps quickly', () => {
    const series = Array.from({ length: 50 }, (_, r) => ({
      xs: Array.from({ length: 1000 }, (_, i) => i),
      ys: Array.from({ length: 1000 }, (_, i) => r + i),
    }));
    const t0 = performance.now();
    const d = alignSeries(series);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(d.length).toBe(51);
    expect(d[0].length).toBe(1000);
    expect(d[50]![999]).toBe(49 + 999);
  });
});

describe('logSafe', () => {
  it('drops values a log scale cannot draw', () => {
    expect(
      logSafe([
        [0, 1, 2],
        [0, -1, 5],
      ]),
    ).toEqual([
      [0, 1, 2],
      [null, null, 5],
    ]);
  });
});

describe('scatterData', () => {
  const run = (id: string, lr: string | undefined, acc: number | undefined): Run =>
    Run.parse({
      info: {
        run_id: id,
        experiment_id: '1',
        status: 'FINISHED',
        start_time: 0,
        artifact_uri: '',
        lifecycle_stage: 'active',
      },
      data: {
        params: lr === undefined ? [] : [{ key: 'lr', value: lr }],
        metrics: acc === undefined ? [] : [{ key: 'acc', value: acc, step: 0, timestamp: 0 }],
      },
    });

  it('plots numeric params as numbers, sorted by x, skipping runs without both', () => {
    const s = scatterData(
      [run('a', '0.1', 0.8), run('b', '0.01', 0.9), run('c', undefined, 0.5), run('d', '1', undefined)],
      'lr',
      'acc',
    );
    expect(s).toEqual({ xs: [0.01, 0.1], ys: [0.9, 0.8], runIds: ['b', 'a'], categories: null });
  });

  it('places non-numeric params on sorted categories', () => {
    const s = scatterData([run('a', 'sgd', 0.7), run('b', 'adam', 0.9), run('c', 'sgd', 0.75)], 'lr', 'acc');
    expect(s.categories).toEqual(['adam', 'sgd']);
    expect(s.xs).toEqual([0, 1, 1]);
    expect(s.runIds[0]).toBe('b');
  });
});
