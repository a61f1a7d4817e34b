import { describe, expect, it } from 'vitest';
import { DEMO_DATASET, makeClassification } from './make-classification.ts';

const count = (ys: number[], c: number) => ys.filter((y) => y === c).length;

/** Least-squares fit of `target` on the columns of `A` (normal equations, Gaussian elimination); max |residual|. */
function maxResidual(A: number[][], target: number[]): number {
  const k = A[0]!.length;
  const M = Array.from({ length: k }, (_, i) => {
    const row = Array.from({ length: k }, (_, j) => A.reduce((s, r) => s + r[i]! * r[j]!, 0));
    row.push(A.reduce((s, r, n) => s + r[i]! * target[n]!, 0));
    return row;
  });
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    [M[c], M[p]] = [M[p]!, M[c]!];
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = M[r]![c]! / M[c]![c]!;
      for (let j = c; j <= k; j++) M[r]![j]! -= f * M[c]![j]!;
    }
  }
  const b = M.map((row, i) => row[k]! / row[i]!);
  return Math.max(...A.map((r, n) => Math.abs(r.reduce((s, v, j) => s + v * b[j]!, 0) - target[n]!)));
}

describe('makeClassification', () => {
  const demo = makeClassification(DEMO_DATASET);

  it('makes the demo data set: 5000 rows × 20 finite features, two balanced classes', () => {
    expect(demo.X).toHaveLength(5000);
    expect(demo.y).toHaveLength(5000);
    expect(demo.X.every((r) => r.length === 20 && r.every(Number.isFinite))).toBe(true);
    expect(new Set(demo.y)).toEqual(new Set([0, 1]));
    // 2500 per class before the 1% label noise (about 25 labels actually change)
    expect(Math.abs(count(demo.y, 1) - 2500)).toBeLessThan(60);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const again = makeClassification(DEMO_DATASET);
    expect(again.X).toEqual(demo.X);
    expect(again.y).toEqual(demo.y);
    const other = makeClassification({ ...DEMO_DATASET, seed: 7 });
    expect(other.X[0]).not.toEqual(demo.X[0]);
  });

  it('centres each cluster on a distinct hypercube vertex (±classSep) in the informative features', () => {
    const { X, y } = makeClassification({ ...DEMO_DATASET, shuffle: false, flipY: 0 });
    // unshuffled: 4 clusters of 1250 rows, labelled 0, 1, 0, 1
    expect([0, 1250, 2500, 3750].map((i) => y[i])).toEqual([0, 1, 0, 1]);
    expect(count(y.slice(0, 1250), 0)).toBe(1250);
    const vertices = new Set<string>();
    for (let k = 0; k < 4; k++) {
      const rows = X.slice(k * 1250, (k + 1) * 1250);
      const mean = Array.from({ length: 15 }, (_, j) => rows.reduce((s, r) => s + r[j]!, 0) / rows.length);
      // the random covariance keeps the cluster mean at the vertex (std error ≈ 0.05)
      for (const m of mean) expect(Math.abs(Math.abs(m) - 1)).toBeLessThan(0.25);
      vertices.add(mean.map((m) => Math.sign(m)).join());
    }
    expect(vertices.size).toBe(4);
  });

  it('makes the redundant features exact linear combinations of the informative ones', () => {
    const { X } = makeClassification({ ...DEMO_DATASET, nSamples: 400, shuffle: false });
    const informative = X.map((r) => r.slice(0, 15));
    for (let j = 15; j < 20; j++) {
      expect(
        maxResidual(
          informative,
          X.map((r) => r[j]!),
        ),
      ).toBeLessThan(1e-6);
    }
    // while an informative feature is not a combination of the other informative ones
    expect(
      maxResidual(
        X.map((r) => r.slice(1, 15)),
        X.map((r) => r[0]!),
      ),
    ).toBeGreaterThan(0.5);
  });

  it('flips about flipY/2 of the labels', () => {
    const clean = makeClassification({ ...DEMO_DATASET, shuffle: false, flipY: 0 });
    const noisy = makeClassification({ ...DEMO_DATASET, shuffle: false, flipY: 0.2 });
    const changed = clean.y.filter((v, i) => v !== noisy.y[i]).length / clean.y.length;
    expect(changed).toBeGreaterThan(0.07);
    expect(changed).toBeLessThan(0.13);
  });

  it('rejects impossible settings', () => {
    expect(() => makeClassification({ nFeatures: 5, nInformative: 4, nRedundant: 2 })).toThrow(RangeError);
    // 2 classes × 2 clusters need 4 distinct vertices; 1 informative feature has only 2
    expect(() => makeClassification({ nFeatures: 3, nInformative: 1, nRedundant: 0 })).toThrow(RangeError);
  });
});
