import { describe, expect, it } from 'vitest';
import type { MetricWithRunId } from '../../client/schemas.ts';
import { alignBulk, pointsForWidth, spliceWindow } from './compare-data.ts';

const pt = (run_id: string, step: number, value: number | string, timestamp = 100 + step): MetricWithRunId => ({
  key: 'loss',
  run_id,
  step,
  value: value as number,
  timestamp,
});

describe('pointsForWidth', () => {
  it('asks for about one step per device pixel, within [100, 2500]', () => {
    expect(pointsForWidth(590)).toBe(590);
    expect(pointsForWidth(590.2, 2)).toBe(1181);
    expect(pointsForWidth(20)).toBe(100);
    expect(pointsForWidth(4000)).toBe(2500);
  });
});

describe('alignBulk', () => {
  it('lays runs on the union of their steps, in the order asked, with gaps for missing steps and non-finite values', () => {
    const points = [
      pt('b', 0, 5),
      pt('b', 2, 'NaN'),
      pt('a', 0, 1),
      pt('a', 1, 2),
      pt('a', 2, 3),
      pt('a', 3, 'Infinity'),
    ];
    const chart = alignBulk(points, ['a', 'c', 'b'], 10);
    expect(chart.runIds).toEqual(['a', 'b']);
    expect(chart.data).toEqual([
      [0, 1, 2, 3],
      [1, 2, 3, null],
      [5, null, null, null],
    ]);
    expect(chart.complete).toBe(true);
  });

  it('handles sparse steps and keeps the latest point of a step', () => {
    const points = [pt('a', 10, 1, 5), pt('a', 10, 2, 9), pt('a', 10, 3, 7), pt('a', 1000, 4), pt('b', -5, 6)];
    expect(alignBulk(points, ['a', 'b'], 10).data).toEqual([
      [-5, 10, 1000],
      [null, 2, 4],
      [6, null, null],
    ]);
  });

  it('tells a sample (more distinct steps than max_results) from a complete answer', () => {
    const points = [0, 3, 6, 9].map((s) => pt('a', s, s));
    expect(alignBulk(points, ['a'], 4).complete).toBe(true);
    expect(alignBulk(points, ['a'], 3).complete).toBe(false);
    expect(alignBulk([], ['a'], 3)).toEqual({ runIds: [], data: [[]], complete: true });
  });
});

describe('spliceWindow', () => {
  it('replaces the overview’s steps inside the window with the detail, matching runs by id', () => {
    const overview = alignBulk(
      [0, 10, 20, 30].flatMap((s) => [pt('a', s, s), pt('b', s, -s)]),
      ['a', 'b'],
      3,
    );
    const detail = alignBulk(
      [10, 12, 15, 20].map((s) => pt('b', s, -s - 0.5)),
      ['a', 'b'],
      10,
    );
    expect(spliceWindow(overview, detail, 10, 20)).toEqual([
      [0, 10, 12, 15, 20, 30],
      [0, null, null, null, null, 30],
      [-0, -10.5, -12.5, -15.5, -20.5, -30],
    ]);
  });
});
