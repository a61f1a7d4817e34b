/** The binary classification metrics the tracker logs for a test set. */
export interface BinaryMetrics {
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  roc_auc: number;
}

function checkLengths(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new RangeError(`length mismatch: ${a.length} vs ${b.length}`);
  if (a.length === 0) throw new RangeError('metrics need at least one sample');
}

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

/**
 * Area under the ROC curve from scores, by ranks (Mann–Whitney U): tied scores share their mean
 * rank, so a tie between a positive and a negative counts one half. Throws when only one class is present.
 */
export function rocAuc(yTrue: ArrayLike<number>, scores: ArrayLike<number>): number {
  checkLengths(yTrue, scores);
  const n = yTrue.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let nPos = 0;
  let positiveRankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const meanRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (yTrue[order[k]!] === 1) {
        nPos++;
        positiveRankSum += meanRank;
      }
    }
    i = j + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) throw new RangeError('ROC AUC needs both classes in yTrue');
  return (positiveRankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
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
