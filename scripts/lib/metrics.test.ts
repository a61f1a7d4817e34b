import { describe, expect, it } from 'vitest';
import { binaryCrossEntropy, binaryMetrics } from './metrics.ts';

describe('binaryCrossEntropy and binaryMetrics', () => {
  it('computes the mean log loss with clipping', () => {
    expect(binaryCrossEntropy([1, 0], [0.8, 0.4])).toBeCloseTo((-Math.log(0.8) - Math.log(0.6)) / 2, 12);
    expect(binaryCrossEntropy([1], [0])).toBeCloseTo(-Math.log(1e-7), 6);
  });

  it('thresholds probabilities at 0.5 (inclusive) and ranks them for the AUC', () => {
    const m = binaryMetrics([1, 0, 1, 0], [0.5, 0.49, 0.2, 0.1]);
    expect(m).toEqual({ accuracy: 0.75, precision: 1, recall: 0.5, f1: 2 / 3, roc_auc: 0.75 });
  });
});
