import { checkLengths } from '../../tracker/src/monitoring/check-lengths.ts';
import { accuracy, f1, precision, recall } from '../../tracker/src/monitoring/confusion.ts';
import { rocAuc } from '../../tracker/src/monitoring/roc-auc.ts';

/** The binary classification metrics the tracker logs for a test set. */
export interface BinaryMetrics {
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  roc_auc: number;
}

/** Mean binary cross-entropy of probabilities, clipped to [eps, 1 - eps] like Keras (eps = 1e-7). */
export function binaryCrossEntropy(yTrue: ArrayLike<number>, probs: ArrayLike<number>, eps = 1e-7): number {
  checkLengths(yTrue, probs);
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const p = Math.min(Math.max(probs[i]!, eps), 1 - eps);
    sum += yTrue[i] === 1 ? -Math.log(p) : -Math.log(1 - p);
  }
  return sum / yTrue.length;
}

/** All test metrics from labels and positive-class probabilities, thresholded at `threshold`. */
export function binaryMetrics(yTrue: ArrayLike<number>, probs: ArrayLike<number>, threshold = 0.5): BinaryMetrics {
  const yPred = Array.from(probs, (p) => (p >= threshold ? 1 : 0));
  return {
    accuracy: accuracy(yTrue, yPred),
    precision: precision(yTrue, yPred),
    recall: recall(yTrue, yPred),
    f1: f1(yTrue, yPred),
    roc_auc: rocAuc(yTrue, probs),
  };
}
