import type { Signature } from '../../../contracts/index.ts';
import type { LabeledPrediction } from '../store/entities.ts';
import { type Calibration, calibration } from './calibration.ts';
import { accuracy, f1, precision, recall } from './confusion.ts';
import { percentiles } from './percentile.ts';
import { rocAuc } from './roc-auc.ts';

/** What the predictions of one version and arm over a window looked like, and how right the labeled ones were. */
export interface LiveQuality {
  /** The version's output kind (from its signature.json; null when that is missing). */
  kind: Signature['output']['kind'] | null;
  /** Recorded predictions (events, so sampled by `MONITOR_SAMPLE_RATE`), failed ones (status ≥ 400) and their share. */
  traffic: { predictions: number; errors: number; error_rate: number };
  /** Latency percentiles of the recorded requests (numpy's linear percentiles); null without any. */
  latency_ms: { p50: number | null; p95: number | null; p99: number | null };
  /**
   * The answers of the successful predictions: binary — share of positives and mean probability; multiclass —
   * share of each class; regression (or no signature) — the mean output. Null fields when there were none.
   */
  output: {
    positive_rate?: number | null;
    mean_probability?: number | null;
    class_mix?: Record<string, number>;
    mean?: number | null;
  };
  /**
   * The successful predictions that have a label: their count and, when there is one, binary — accuracy,
   * precision, recall, F1 (positive class 1), ROC AUC (null with a single class) and calibration; multiclass —
   * accuracy; regression — mean absolute and root mean squared error.
   */
  labels: {
    count: number;
    accuracy?: number;
    precision?: number;
    recall?: number;
    f1?: number;
    roc_auc?: number | null;
    calibration?: Calibration;
    mae?: number;
    rmse?: number;
  };
}

const mean = (values: readonly number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);

/** The live quality of `rows` (one version and arm), read by `output`, the version's signature output. */
export function liveQuality(rows: readonly LabeledPrediction[], output: Signature['output'] | undefined): LiveQuality {
  const errors = rows.filter((r) => r.status >= 400).length;
  const [p50, p95, p99] = percentiles(
    rows.map((r) => r.latency_ms),
    [50, 95, 99],
  );
  const answered = rows.filter((r) => r.prediction !== null);
  const labeled = answered.filter((r) => r.label !== null);
  const predicted = labeled.map((r) => r.prediction!);
  const truth = labeled.map((r) => r.label!);
  const quality: LiveQuality = {
    kind: output?.kind ?? null,
    traffic: { predictions: rows.length, errors, error_rate: rows.length ? errors / rows.length : 0 },
    latency_ms: { p50: p50!, p95: p95!, p99: p99! },
    output: {},
    labels: { count: labeled.length },
  };
  if (output?.kind === 'binary') {
    quality.output = {
      positive_rate: mean(answered.map((r) => (r.prediction === 1 ? 1 : 0))),
      mean_probability: mean(answered.map((r) => r.probability ?? 0)),
    };
    if (labeled.length) {
      const probs = labeled.map((r) => r.probability ?? r.prediction!);
      const classes = new Set(truth).size;
      Object.assign(quality.labels, {
        accuracy: accuracy(truth, predicted),
        precision: precision(truth, predicted),
        recall: recall(truth, predicted),
        f1: f1(truth, predicted),
        roc_auc: classes === 2 ? rocAuc(truth, probs) : null,
        calibration: calibration(truth, probs),
      });
    }
  } else if (output?.kind === 'multiclass') {
    const counts = output.labels.map(() => 0);
    for (const r of answered) if (counts[r.prediction!] !== undefined) counts[r.prediction!]!++;
    const mix = output.labels.map((name, k) => [name, answered.length ? counts[k]! / answered.length : 0]);
    quality.output = { class_mix: Object.fromEntries(mix) };
    if (labeled.length) quality.labels.accuracy = accuracy(truth, predicted);
  } else {
    quality.output = { mean: mean(answered.map((r) => r.prediction!)) };
    if (labeled.length && output?.kind === 'regression') {
      const diffs = labeled.map((r) => r.prediction! - r.label!);
      quality.labels.mae = mean(diffs.map(Math.abs))!;
      quality.labels.rmse = Math.sqrt(mean(diffs.map((d) => d * d))!);
    }
  }
  return quality;
}
