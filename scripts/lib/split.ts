import { createRng, shuffleInPlace } from './random.ts';

/** Row indices of a train/test split. */
export interface IndexSplit {
  trainIndex: number[];
  testIndex: number[];
}

/** A train/test split with the original row indices of each part. */
export interface Split extends IndexSplit {
  xTrain: number[][];
  yTrain: number[];
  xTest: number[][];
  yTest: number[];
}

/**
 * Split row indices into train and test so each stratum keeps its proportion (sklearn's
 * `train_test_split(..., stratify=strata)`): the test part has `ceil(testSize * n)` rows, allotted to the
 * strata by largest remainder, drawn at random per stratum; both parts come out in random order.
 */
export function stratifiedIndices(strata: readonly number[], testSize = 0.2, seed = 0): IndexSplit {
  if (!(testSize > 0 && testSize < 1)) throw new RangeError('testSize must be in (0, 1)');
  const rng = createRng(seed);
  const n = strata.length;
  const nTest = Math.ceil(testSize * n);

  const byClass = new Map<number, number[]>();
  strata.forEach((label, i) => {
    const list = byClass.get(label) ?? [];
    list.push(i);
    byClass.set(label, list);
  });
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const exact = classes.map((c) => (nTest * byClass.get(c)!.length) / n);
  const take = exact.map(Math.floor);
  let left = nTest - take.reduce((a, b) => a + b, 0);
  const byRemainder = classes.map((_, i) => i).sort((a, b) => exact[b]! - take[b]! - (exact[a]! - take[a]!) || a - b);
  for (const i of byRemainder) {
    if (left === 0) break;
    take[i]! += 1;
    left--;
  }

  const testIndex: number[] = [];
  const trainIndex: number[] = [];
  classes.forEach((c, i) => {
    const members = shuffleInPlace([...byClass.get(c)!], rng);
    testIndex.push(...members.slice(0, take[i]));
    trainIndex.push(...members.slice(take[i]));
  });
  shuffleInPlace(testIndex, rng);
  shuffleInPlace(trainIndex, rng);
  return { trainIndex, testIndex };
}

/** `stratifiedIndices` on labels `y`, with the rows of `X` and labels of each part. */
export function stratifiedSplit(X: number[][], y: number[], testSize = 0.2, seed = 0): Split {
  if (X.length !== y.length) throw new RangeError('X and y must have the same length');
  const { trainIndex, testIndex } = stratifiedIndices(y, testSize, seed);
  return {
    xTrain: trainIndex.map((i) => X[i]!),
    yTrain: trainIndex.map((i) => y[i]!),
    xTest: testIndex.map((i) => X[i]!),
    yTest: testIndex.map((i) => y[i]!),
    trainIndex,
    testIndex,
  };
}

/**
 * Strata for a numeric target: the index of each value's quantile bin (`bins` equal-count bins by rank,
 * ties broken by position), so a split keeps the target's distribution in both parts.
 */
export function quantileStrata(values: readonly number[], bins = 10): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]! || a - b);
  const strata = new Array<number>(values.length);
  order.forEach((row, rank) => {
    strata[row] = Math.floor((rank * bins) / values.length);
  });
  return strata;
}
