import { describe, expect, it } from 'vitest';
import { applyStandardizer, fitStandardizer } from './standardize.ts';

describe('standardizer', () => {
  const rows = [
    [1, 10, 5],
    [3, 20, 5],
    [5, 60, 5],
  ];

  it('fits mean and population std per feature; a constant feature gets std 1', () => {
    const s = fitStandardizer(rows);
    expect(s.mean).toEqual([3, 30, 5]);
    expect(s.std[0]).toBeCloseTo(Math.sqrt(8 / 3), 12);
    expect(s.std[1]).toBeCloseTo(Math.sqrt(1400 / 3), 12);
    expect(s.std[2]).toBe(1);
  });

  it('treats rounding-noise spread of a constant feature as zero', () => {
    expect(fitStandardizer([[0.1], [0.1], [0.1]]).std).toEqual([1]);
  });

  it('maps training rows to mean 0 and std 1, and leaves the input alone', () => {
    const s = fitStandardizer(rows);
    const z = applyStandardizer(rows, s);
    expect(rows[0]).toEqual([1, 10, 5]);
    for (let j = 0; j < 2; j++) {
      const col = z.map((r) => r[j]!);
      expect(col.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 12);
      expect(col.reduce((a, b) => a + b * b, 0) / col.length).toBeCloseTo(1, 12);
    }
    expect(z.map((r) => r[2])).toEqual([0, 0, 0]);
    const [row] = applyStandardizer([[3, 30 + 2 * s.std[1]!, 6]], s);
    expect(row![0]).toBe(0);
    expect(row![1]).toBeCloseTo(2, 12);
    expect(row![2]).toBe(1);
  });

  it('rejects ragged or empty input', () => {
    expect(() => fitStandardizer([])).toThrow();
    expect(() => fitStandardizer([[1, 2], [3]])).toThrow(/same length/);
    expect(() => applyStandardizer([[1, 2]], fitStandardizer(rows))).toThrow(/expected 3 features/);
  });
});
