import { checkLengths } from './check-lengths.ts';

/** Counts of a binary confusion matrix (positive class = 1). */
export function confusion(yTrue: ArrayLike<number>, yPred: ArrayLike<number>) {
  checkLengths(yTrue, yPred);
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i] === 1;
    const p = yPred[i] === 1;
    if (t && p) tp++;
    else if (!t && p) fp++;
    else if (t) fn++;
    else tn++;
  }
  return { tp, fp, tn, fn };
}

/** Fraction of predictions equal to the truth. */
export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkLengths(yTrue, yPred);
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hits++;
  return hits / yTrue.length;
}

/** tp / (tp + fp); 0 when nothing is predicted positive (sklearn's `zero_division` default result). */
export function precision(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const { tp, fp } = confusion(yTrue, yPred);
  return tp + fp === 0 ? 0 : tp / (tp + fp);
}

/** tp / (tp + fn); 0 when there are no positives. */
export function recall(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const { tp, fn } = confusion(yTrue, yPred);
  return tp + fn === 0 ? 0 : tp / (tp + fn);
}

/** Harmonic mean of precision and recall, 2tp / (2tp + fp + fn); 0 when undefined. */
export function f1(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const { tp, fp, fn } = confusion(yTrue, yPred);
  return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
}
