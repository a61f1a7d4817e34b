import { createRng, permutation, type Rng } from './random.ts';

/** Options of `makeClassification`; defaults follow scikit-learn's `make_classification`. */
export interface MakeClassificationOptions {
  nSamples?: number;
  nFeatures?: number;
  nInformative?: number;
  nRedundant?: number;
  nClasses?: number;
  nClustersPerClass?: number;
  /** Half the side of the hypercube whose vertices are the cluster centroids. */
  classSep?: number;
  /** Fraction of labels replaced by a random class (so about half of them actually change). */
  flipY?: number;
  /** Shuffle rows and feature columns at the end. */
  shuffle?: boolean;
  seed?: number;
}

/** A feature matrix (one array per row) with its integer class labels. */
export interface Dataset {
  X: number[][];
  y: number[];
}

/** The demo data set's settings — the seed's `make_classification(5000, 20, 15 informative, 5 redundant, 42)`. */
export const DEMO_DATASET = {
  nSamples: 5000,
  nFeatures: 20,
  nInformative: 15,
  nRedundant: 5,
  seed: 42,
} as const satisfies MakeClassificationOptions;

/**
 * A deterministic port of scikit-learn's `make_classification`: each class is made of
 * `nClustersPerClass` Gaussian clusters centred on distinct vertices of a hypercube of side
 * `2 * classSep` in the informative subspace, each cluster given a random covariance by a random
 * linear map; redundant features are random linear combinations of the informative ones, the rest is
 * noise; `flipY` of the labels are redrawn at random; rows and columns are shuffled.
 * Same algorithm and draw order as sklearn, but a different RNG, so the numbers differ.
 */
export function makeClassification(options: MakeClassificationOptions = {}): Dataset {
  const {
    nSamples = 100,
    nFeatures = 20,
    nInformative = 2,
    nRedundant = 2,
    nClasses = 2,
    nClustersPerClass = 2,
    classSep = 1,
    flipY = 0.01,
    shuffle = true,
    seed = 0,
  } = options;
  const nUseless = nFeatures - nInformative - nRedundant;
  const nClusters = nClasses * nClustersPerClass;
  if (nUseless < 0) throw new RangeError('nInformative + nRedundant must not exceed nFeatures');
  if (nInformative < 1 || nClusters > 2 ** nInformative) {
    throw new RangeError('nClasses * nClustersPerClass must be at most 2 ** nInformative');
  }
  const rng = createRng(seed);

  const perCluster = Array.from({ length: nClusters }, () => Math.floor(nSamples / nClasses / nClustersPerClass));
  const assigned = perCluster.reduce((a, b) => a + b, 0);
  for (let i = 0; i < nSamples - assigned; i++) perCluster[i % nClusters]! += 1;

  const centroids = hypercubeVertices(nClusters, nInformative, rng).map((v) =>
    v.map((bit) => bit * 2 * classSep - classSep),
  );

  const X: number[][] = [];
  for (let i = 0; i < nSamples; i++) {
    const row = new Array<number>(nFeatures).fill(0);
    for (let j = 0; j < nInformative; j++) row[j] = rng.normal();
    X.push(row);
  }
  const y = new Array<number>(nSamples).fill(0);

  let stop = 0;
  centroids.forEach((centroid, k) => {
    const start = stop;
    stop += perCluster[k]!;
    const A = randomMatrix(nInformative, nInformative, rng);
    for (let i = start; i < stop; i++) {
      y[i] = k % nClasses;
      const row = X[i]!;
      const mixed = multiplyRow(row, A, nInformative);
      for (let j = 0; j < nInformative; j++) row[j] = mixed[j]! + centroid[j]!;
    }
  });

  if (nRedundant > 0) {
    const B = randomMatrix(nInformative, nRedundant, rng);
    for (const row of X) {
      const combo = multiplyRow(row, B, nInformative);
      for (let j = 0; j < nRedundant; j++) row[nInformative + j] = combo[j]!;
    }
  }

  for (const row of X) {
    for (let j = nFeatures - nUseless; j < nFeatures; j++) row[j] = rng.normal();
  }

  if (flipY > 0) {
    const flip = y.map(() => rng.uniform() < flipY);
    flip.forEach((f, i) => {
      if (f) y[i] = rng.int(nClasses);
    });
  }

  if (!shuffle) return { X, y };
  const rows = permutation(nSamples, rng);
  const columns = permutation(nFeatures, rng);
  return {
    X: rows.map((i) => columns.map((j) => X[i]![j]!)),
    y: rows.map((i) => y[i]!),
  };
}

/** `count` distinct random 0/1 vectors of length `dims` (sklearn's `_generate_hypercube`). */
function hypercubeVertices(count: number, dims: number, rng: Rng): number[][] {
  const seen = new Set<string>();
  const out: number[][] = [];
  while (out.length < count) {
    const v = Array.from({ length: dims }, () => rng.int(2));
    const key = v.join('');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(v);
  }
  return out;
}

/** A rows×cols matrix of uniforms in [-1, 1). */
function randomMatrix(rows: number, cols: number, rng: Rng): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => 2 * rng.uniform() - 1));
}

/** `row[0..n) · M` for an n×k matrix M. */
function multiplyRow(row: number[], M: number[][], n: number): number[] {
  const k = M[0]!.length;
  const out = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) {
    const v = row[i]!;
    const mi = M[i]!;
    for (let j = 0; j < k; j++) out[j]! += v * mi[j]!;
  }
  return out;
}
