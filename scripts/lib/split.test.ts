import { describe, expect, it } from 'vitest';
import { DEMO_DATASET, makeClassification } from './make-classification.ts';
import { quantileStrata, stratifiedIndices, stratifiedSplit } from './split.ts';

const count = (ys: number[], c: number) => ys.filter((y) => y === c).length;

describe('stratifiedSplit', () => {
  const { X, y } = makeClassification(DEMO_DATASET);
  const split = stratifiedSplit(X, y, 0.2, 42);

  it('holds out 20% with the class proportions of the whole set', () => {
    expect(split.yTest).toHaveLength(1000);
    expect(split.yTrain).toHaveLength(4000);
    const share = count(y, 1) / y.length;
    expect(Math.abs(count(split.yTest, 1) - 1000 * share)).toBeLessThanOrEqual(1);
    expect(Math.abs(count(split.yTrain, 1) - 4000 * share)).toBeLessThanOrEqual(1);
  });

  it('partitions the rows and keeps each row with its label', () => {
    const all = [...split.trainIndex, ...split.testIndex].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    split.testIndex.forEach((i, k) => {
      expect(split.xTest[k]).toBe(X[i]);
      expect(split.yTest[k]).toBe(y[i]);
    });
  });

  it('is deterministic for a seed, different for another, and mixes the classes', () => {
    expect(stratifiedSplit(X, y, 0.2, 42).testIndex).toEqual(split.testIndex);
    expect(stratifiedSplit(X, y, 0.2, 43).testIndex).not.toEqual(split.testIndex);
    expect(new Set(split.yTest.slice(0, 20)).size).toBe(2);
  });

  it('allots odd counts by largest remainder', () => {
    // 7 zeros, 3 ones, test 0.25 → ceil(2.5) = 3 rows: 2.1 → 2 zeros, 0.9 → 1 one
    const ys = [0, 0, 0, 0, 0, 0, 0, 1, 1, 1];
    const s = stratifiedSplit(
      ys.map((v) => [v]),
      ys,
      0.25,
      1,
    );
    expect([count(s.yTest, 0), count(s.yTest, 1)]).toEqual([2, 1]);
  });

  it('rejects bad arguments', () => {
    expect(() => stratifiedSplit([[1]], [0, 1])).toThrow(/same length/);
    expect(() => stratifiedSplit(X, y, 1.5)).toThrow(/testSize/);
  });
});

describe('quantileStrata', () => {
  it('bins a numeric target into equal-count quantile bins', () => {
    expect(quantileStrata([5, 1, 4, 2, 3, 6, 8, 7, 9, 10], 5)).toEqual([2, 0, 1, 0, 1, 2, 3, 3, 4, 4]);
  });

  it('keeps a regression split close to the target distribution', () => {
    const target = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000);
    const { testIndex } = stratifiedIndices(quantileStrata(target), 0.2, 3);
    const bins = new Array(10).fill(0);
    for (const i of testIndex) bins[Math.floor(target[i]! / 100)]++;
    expect(bins).toEqual(new Array(10).fill(20));
  });
});
