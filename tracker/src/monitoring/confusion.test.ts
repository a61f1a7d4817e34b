import { describe, expect, it } from 'vitest';
import { accuracy, confusion, f1, precision, recall } from './confusion.ts';

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
