import { checkLengths } from './check-lengths.ts';

/** One bin of a reliability diagram: predictions whose probability fell in it, and how often they were right. */
export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  /** Mean predicted probability of the bin's predictions; null for an empty bin. */
  mean_predicted: number | null;
  /** Share of positives among them; null for an empty bin. */
  fraction_positive: number | null;
}

/** Calibration of binary probabilities: a reliability diagram and the Brier score. */
export interface Calibration {
  bins: ReliabilityBin[];
  /** Mean squared difference of probability and outcome (scikit-learn's `brier_score_loss`). */
  brier: number;
}

/**
 * Calibration of positive-class probabilities `probs` against 0/1 outcomes `yTrue`: `nBins` equal-width bins of
 * [0, 1] as scikit-learn's `calibration_curve(strategy="uniform")` draws them (a probability on an inner edge
 * falls in the bin below it), and the Brier score.
 */
export function calibration(yTrue: ArrayLike<number>, probs: ArrayLike<number>, nBins = 10): Calibration {
  checkLengths(yTrue, probs);
  const counts = new Array<number>(nBins).fill(0);
  const sums = new Array<number>(nBins).fill(0);
  const positives = new Array<number>(nBins).fill(0);
  let squared = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const p = probs[i]!;
    const y = yTrue[i] === 1 ? 1 : 0;
    // the number of inner edges below p (np.searchsorted, side "left")
    let bin = 0;
    while (bin < nBins - 1 && edge(bin + 1, nBins) < p) bin++;
    counts[bin]!++;
    sums[bin]! += p;
    positives[bin]! += y;
    squared += (p - y) ** 2;
  }
  const bins = counts.map((count, b) => ({
    lower: edge(b, nBins),
    upper: edge(b + 1, nBins),
    count,
    mean_predicted: count ? sums[b]! / count : null,
    fraction_positive: count ? positives[b]! / count : null,
  }));
  return { bins, brier: squared / yTrue.length };
}

/** The `k`-th of `n + 1` evenly spaced edges of [0, 1], as numpy's `linspace` computes it. */
function edge(k: number, n: number): number {
  return k === n ? 1 : k * (1 / n);
}
