import { describe, expect, it } from 'vitest';
import { scipyValues } from './fixtures/scipy-values.ts';
import { psi } from './psi.ts';

describe('psi', () => {
  it.each(scipyValues.psi.map((c) => [c.name, c] as const))("matches Evidently's formula in numpy: %s", (_, c) => {
    expect(Math.abs(psi(c.reference, c.current) - c.psi)).toBeLessThanOrEqual(1e-9);
  });

  it('is NaN without counts on a side, and refuses histograms on different bins', () => {
    expect(psi([1, 2], [0, 0])).toBeNaN();
    expect(() => psi([1, 2], [1, 2, 3])).toThrow(RangeError);
  });
});
