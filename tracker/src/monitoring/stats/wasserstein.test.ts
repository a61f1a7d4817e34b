import { describe, expect, it } from 'vitest';
import { scipyValues } from './fixtures/scipy-values.ts';
import { wassersteinDistance } from './wasserstein.ts';

describe('wassersteinDistance', () => {
  it.each(scipyValues.wasserstein_distance.map((c) => [c.name, c] as const))(
    'matches scipy.stats.wasserstein_distance: %s',
    (_, c) => {
      expect(Math.abs(wassersteinDistance(c.u, c.v) - c.distance)).toBeLessThanOrEqual(1e-9);
    },
  );

  it('is the shift between a sample and itself moved', () => {
    const u = [0.5, 1, 4, 7];
    expect(
      wassersteinDistance(
        u,
        u.map((x) => x + 2.5),
      ),
    ).toBeCloseTo(2.5, 12);
    expect(() => wassersteinDistance([], [1])).toThrow(RangeError);
  });
});
