import { describe, expect, it } from 'vitest';
import fixtures from './fixtures/quality-fixtures.json' with { type: 'json' };
import { percentiles } from './percentile.ts';

describe('percentiles', () => {
  it('match numpy.percentile (linear) on fixed samples', () => {
    for (const { values, q, expected } of fixtures.percentiles) {
      const got = percentiles(values, q);
      for (let i = 0; i < q.length; i++) expect(got[i]).toBeCloseTo(expected[i]!, 10);
    }
  });

  it('interpolate between ranks and answer null for no values', () => {
    expect(percentiles([4, 1, 3, 2], [0, 50, 100, 25])).toEqual([1, 2.5, 4, 1.75]);
    expect(percentiles([], [50])).toEqual([null]);
  });
});
