import { describe, expect, it } from 'vitest';
import fixtures from './fixtures/quality-fixtures.json' with { type: 'json' };
import { rocAuc } from './roc-auc.ts';

describe('rocAuc', () => {
  it('is 1 for a perfect ranking and 0 for a reversed one', () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])).toBe(1);
    expect(rocAuc([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9])).toBe(0);
  });

  it('counts the fraction of correctly ordered positive/negative pairs', () => {
    // sklearn's doc example: roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.75, 12);
    // pairs (pos, neg): (0.5 vs 0.2 ✓, 0.5 vs 0.7 ✗, 0.9 vs 0.2 ✓, 0.9 vs 0.7 ✓) → 3/4... plus order independence
    expect(rocAuc([0, 1, 0, 1], [0.7, 0.9, 0.2, 0.5])).toBeCloseTo(0.75, 12);
  });

  it('counts a tie between a positive and a negative as one half', () => {
    expect(rocAuc([0, 1], [0.5, 0.5])).toBe(0.5);
    // pairs: p0.8>n0.3 1, p0.8=n0.8 ½, p0.3=n0.3 ½, p0.3<n0.8 0 → 2/4
    expect(rocAuc([1, 0, 1, 0], [0.8, 0.3, 0.3, 0.8])).toBeCloseTo(0.5, 12);
    // positives 0.6, 0.6; negatives 0.6, 0.1 → (½ + 1 + ½ + 1)/4 = 0.75
    expect(rocAuc([1, 1, 0, 0], [0.6, 0.6, 0.6, 0.1])).toBeCloseTo(0.75, 12);
  });

  it('needs both classes', () => {
    expect(() => rocAuc([1, 1], [0.2, 0.3])).toThrow(/both classes/);
  });
});

describe('rocAuc against scipy', () => {
  it('equals U / (n1 · n0) of scipy.stats.mannwhitneyu (scikit-learn’s roc_auc_score) on fixed samples with ties', () => {
    for (const { name, y, scores, auc } of fixtures.roc_auc) expect(rocAuc(y, scores), name).toBeCloseTo(auc, 12);
  });
});
