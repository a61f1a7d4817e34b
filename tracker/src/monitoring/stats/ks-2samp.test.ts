import { describe, expect, it } from 'vitest';
import { scipyValues } from './fixtures/scipy-values.ts';
import { KS_EXACT_MAX_N, ks2samp } from './ks-2samp.ts';

describe('ks2samp', () => {
  it.each(scipyValues.ks_2samp.map((c) => [c.name, c] as const))('matches scipy.stats.ks_2samp: %s', (_, c) => {
    const r = ks2samp(c.a, c.b);
    expect(Math.abs(r.statistic - c.statistic)).toBeLessThanOrEqual(1e-9);
    expect(Math.abs(r.pvalue - c.pvalue)).toBeLessThanOrEqual(1e-6);
    // relative too, for the p-values near zero
    if (c.pvalue > 0) expect(Math.abs(r.pvalue / c.pvalue - 1)).toBeLessThanOrEqual(1e-6);
  });

  it('is symmetric in its samples and leaves them unsorted', () => {
    const { a, b } = scipyValues.ks_2samp[3]!;
    const before = [...a];
    expect(ks2samp(a, b)).toEqual(ks2samp(b, a));
    expect(a).toEqual(before);
  });

  it('refuses empty samples and samples past the exact branch', () => {
    expect(() => ks2samp([], [1])).toThrow(RangeError);
    expect(() => ks2samp(new Float64Array(KS_EXACT_MAX_N + 1), [1])).toThrow(/not supported/);
  });
});
