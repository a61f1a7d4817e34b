import { describe, expect, it } from 'vitest';
import { scipyValues } from './fixtures/scipy-values.ts';
import { jensenShannon } from './jensen-shannon.ts';

describe('jensenShannon', () => {
  it.each(scipyValues.jensenshannon.map((c) => [c.name, c] as const))(
    'matches scipy.spatial.distance.jensenshannon: %s',
    (_, c) => {
      expect(Math.abs(jensenShannon(c.p, c.q) - c.distance)).toBeLessThanOrEqual(1e-9);
      expect(Math.abs(jensenShannon(c.p, c.q, 2) - c.distance_base2)).toBeLessThanOrEqual(1e-9);
    },
  );

  it('refuses distributions on different categories', () => {
    expect(() => jensenShannon([1, 2], [1, 2, 3])).toThrow(RangeError);
  });
});
