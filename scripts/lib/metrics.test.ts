import { describe, expect, it } from 'vitest';
import { argmaxRows, binaryCrossEntropy, binaryMetrics, multiclassMetrics, regressionMetrics } from './metrics.ts';

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
