import { describe, expect, it } from 'vitest';
import {
  accuracy,
  argmaxRows,
  binaryCrossEntropy,
  binaryMetrics,
  confusion,
  f1,
  multiclassMetrics,
  precision,
  recall,
  regressionMetrics,
  rocAuc,
} from './metrics.ts';

describe('threshold metrics', () => {
  // tp=3 (0,1,2), fn=1 (3), fp=2 (4,5), tn=4 (6..9)
  const yTrue = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0];
  const yPred = [1, 1, 1, 0, 1, 1, 0, 0, 0, 0];

  it('count the confusion matrix', () => {
    expect(confusion(yTrue, yPred)).toEqual({ tp: 3, fn: 1, fp: 2, tn: 4 });
  });

  it('match hand-computed values', () => {
    expect(accuracy(yTrue, yPred)).toBeCloseTo(7 / 10, 12);
    expect(precision(yTrue, yPred)).toBeCloseTo(3 / 5, 12);
    expect(recall(yTrue, yPred)).toBeCloseTo(3 / 4, 12);
    // 2PR/(P+R) = 2·0.6·0.75/1.35
    expect(f1(yTrue, yPred)).toBeCloseTo((2 * 0.6 * 0.75) / 1.35, 12);
  });

  it('give 0 where sklearn divides by zero', () => {
    expect(precision([1, 0], [0, 0])).toBe(0);
    expect(recall([0, 0], [1, 0])).toBe(0);
    expect(f1([1, 0], [0, 1])).toBe(0);
  });

  it('reject mismatched or empty input', () => {
    expect(() => accuracy([1, 0], [1])).toThrow(/length/);
    expect(() => accuracy([], [])).toThrow();
  });
});

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

describe('multiclassMetrics', () => {
  // rows: predicted 0, 1, 1, 2 for true 0, 1, 2, 2
  const probs = [0.7, 0.2, 0.1, 0.2, 0.5, 0.3, 0.1, 0.6, 0.3, 0.1, 0.2, 0.7];

  it('macro-averages precision, recall, f1 and the one-vs-rest AUC', () => {
    const m = multiclassMetrics([0, 1, 2, 2], probs, 3);
    expect(m.accuracy).toBe(0.75);
    expect(m.precision).toBeCloseTo(2.5 / 3, 12);
    expect(m.recall).toBeCloseTo(2.5 / 3, 12);
    expect(m.f1).toBeCloseTo(7 / 9, 12);
    // class 0: 1; class 1: 2/3; class 2: (1 + ½ + 1 + 1)/4
    expect(m.roc_auc).toBeCloseTo((1 + 2 / 3 + 0.875) / 3, 12);
    expect(m.log_loss).toBeCloseTo(-(Math.log(0.7) * 2 + Math.log(0.5) + Math.log(0.3)) / 4, 12);
  });

  it('takes the argmax of each row, the first on ties', () => {
    expect(argmaxRows([0.2, 0.5, 0.3, 0.4, 0.4, 0.2], 3)).toEqual([1, 0]);
  });
});

describe('regressionMetrics', () => {
  it('computes RMSE, MAE and R²', () => {
    const m = regressionMetrics([1, 2, 3, 4], [1, 2, 2, 5]);
    expect(m.rmse).toBeCloseTo(Math.sqrt(0.5), 12);
    expect(m.mae).toBe(0.5);
    expect(m.r2).toBeCloseTo(0.6, 12);
  });
});
