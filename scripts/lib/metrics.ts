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

/** The multiclass metrics the tracker logs for a test set (precision, recall and f1 macro-averaged). */
export interface MulticlassMetrics {
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  /** One-vs-rest ROC AUC, macro-averaged over the classes present (sklearn's `multi_class="ovr"`). */
  roc_auc: number;
  log_loss: number;
}

/** The index of the largest value of each row of `probs` (`n` rows of `k`). */
export function argmaxRows(probs: ArrayLike<number>, k: number): number[] {
  const out: number[] = [];
  for (let at = 0; at < probs.length; at += k) {
    let best = 0;
    for (let c = 1; c < k; c++) if (probs[at + c]! > probs[at + best]!) best = c;
    out.push(best);
  }
  return out;
}

/** One-vs-rest ROC AUC of class-probability rows, macro-averaged over the classes that occur with others. */
export function multiclassRocAuc(yTrue: ArrayLike<number>, probs: ArrayLike<number>, k: number): number {
  if (probs.length !== yTrue.length * k) throw new RangeError(`expected ${yTrue.length * k} probabilities`);
  const aucs: number[] = [];
  for (let c = 0; c < k; c++) {
    const hits = Array.from(yTrue, (y) => (y === c ? 1 : 0));
    const positives = hits.reduce((a: number, b) => a + b, 0);
    if (positives === 0 || positives === hits.length) continue;
    aucs.push(
      rocAuc(
        hits,
        Array.from({ length: yTrue.length }, (_, i) => probs[i * k + c]!),
      ),
    );
  }
  if (!aucs.length) throw new RangeError('ROC AUC needs at least two classes in yTrue');
  return aucs.reduce((a, b) => a + b, 0) / aucs.length;
}

/** Mean cross-entropy of class-probability rows, clipped to [eps, 1 - eps] like Keras. */
export function categoricalCrossEntropy(yTrue: ArrayLike<number>, probs: ArrayLike<number>, k: number, eps = 1e-7) {
  if (probs.length !== yTrue.length * k) throw new RangeError(`expected ${yTrue.length * k} probabilities`);
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) sum -= Math.log(Math.min(Math.max(probs[i * k + yTrue[i]!]!, eps), 1 - eps));
  return sum / yTrue.length;
}

/** All multiclass test metrics from class indices and class-probability rows (`k` per row). */
export function multiclassMetrics(yTrue: ArrayLike<number>, probs: ArrayLike<number>, k: number): MulticlassMetrics {
  const yPred = argmaxRows(probs, k);
  let precisionSum = 0;
  let recallSum = 0;
  let f1Sum = 0;
  for (let c = 0; c < k; c++) {
    const t = Array.from(yTrue, (y) => (y === c ? 1 : 0));
    const p = yPred.map((y) => (y === c ? 1 : 0));
    precisionSum += precision(t, p);
    recallSum += recall(t, p);
    f1Sum += f1(t, p);
  }
  return {
    accuracy: accuracy(yTrue, yPred),
    precision: precisionSum / k,
    recall: recallSum / k,
    f1: f1Sum / k,
    roc_auc: multiclassRocAuc(yTrue, probs, k),
    log_loss: categoricalCrossEntropy(yTrue, probs, k),
  };
}

/** The regression metrics the tracker logs for a test set. */
export interface RegressionMetrics {
  rmse: number;
  mae: number;
  /** Coefficient of determination (1 - SSE / SST; sklearn's `r2_score`). */
  r2: number;
}

/** Mean squared error. */
export function meanSquaredError(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkLengths(yTrue, yPred);
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) sum += (yTrue[i]! - yPred[i]!) ** 2;
  return sum / yTrue.length;
}

/** RMSE, MAE and R² of predicted values. */
export function regressionMetrics(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): RegressionMetrics {
  const mse = meanSquaredError(yTrue, yPred);
  let abs = 0;
  let mean = 0;
  for (let i = 0; i < yTrue.length; i++) {
    abs += Math.abs(yTrue[i]! - yPred[i]!);
    mean += yTrue[i]!;
  }
  mean /= yTrue.length;
  let sst = 0;
  for (let i = 0; i < yTrue.length; i++) sst += (yTrue[i]! - mean) ** 2;
  return { rmse: Math.sqrt(mse), mae: abs / yTrue.length, r2: sst === 0 ? 0 : 1 - (mse * yTrue.length) / sst };
}
