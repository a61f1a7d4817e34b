import type { LayoutColumn, ReferenceLayout } from './reference-layout.ts';
import { jensenShannon } from './stats/jensen-shannon.ts';
import { ks2samp } from './stats/ks-2samp.ts';
import { psi } from './stats/psi.ts';
import { wassersteinDistance } from './stats/wasserstein.ts';

/**
 * Evidently's default thresholds: drift when KS's p-value is below 0.05, when the Wasserstein
 * distance over the reference's std is at least 0.1, when the Jensen–Shannon distance is at least 0.1;
 * the data set drifts when at least half its inputs do. PSI is reported beside, flagged from 0.2 (the
 * usual "significant shift"; Evidently's own PSI test uses 0.1).
 */
export const DRIFT_THRESHOLDS = { ks: 0.05, wasserstein: 0.1, jensenshannon: 0.1, psi: 0.2, share: 0.5 } as const;

/** Evidently's boundary: KS for a reference of at most this many rows, the normed Wasserstein distance above. */
export const KS_MAX_REFERENCE_ROWS = 1000;

/** Evidently's floor under the reference std the Wasserstein distance is divided by. */
const MIN_NORM = 0.001;

/** How one column's current window compares to its reference. */
export interface ColumnDrift {
  name: string;
  kind: 'numeric' | 'categorical';
  /** `ks` when the reference has at most `KS_MAX_REFERENCE_ROWS` rows, `wasserstein` (normed) above; `jensenshannon` for categories. */
  method: 'ks' | 'wasserstein' | 'jensenshannon';
  /** KS's D, the normed Wasserstein distance or the JS distance; null without current values. */
  statistic: number | null;
  /** KS only. */
  p_value: number | null;
  threshold: number;
  drifted: boolean;
  psi: number | null;
  psi_drifted: boolean;
  /** Values in the current window, and how many of them the statistic saw (KS and Wasserstein read a sample). */
  current_count: number;
  sample_size: number;
  reference_count: number;
  /** The reference's bins (edges or categories) with both sides' counts, for a histogram. */
  bins: { edges?: number[]; categories?: number[]; reference: number[]; current: number[] };
}

/** The drift of every input and of the output over a window. */
export interface WindowDrift {
  features: ColumnDrift[];
  output: ColumnDrift;
  drifted_features: number;
  share_drifted: number;
  dataset_drift: boolean;
}

function columnDrift({ column, offset, bins }: LayoutColumn, hist: Uint32Array, values: number[]): ColumnDrift {
  const current = Array.from(hist.subarray(offset, offset + bins));
  const currentCount = current.reduce((a, b) => a + b, 0);
  const has = currentCount > 0;
  const psiValue = has ? psi(column.counts, current) : null;
  const common = {
    name: column.name,
    kind: column.kind,
    psi: psiValue,
    psi_drifted: psiValue !== null && psiValue >= DRIFT_THRESHOLDS.psi,
    current_count: currentCount,
    reference_count: column.count,
  };
  if (column.kind === 'categorical') {
    const statistic = has ? jensenShannon(column.counts, current) : null;
    return {
      ...common,
      method: 'jensenshannon',
      statistic,
      p_value: null,
      threshold: DRIFT_THRESHOLDS.jensenshannon,
      drifted: statistic !== null && statistic >= DRIFT_THRESHOLDS.jensenshannon,
      sample_size: currentCount,
      bins: { categories: column.categories, reference: column.counts, current },
    };
  }
  const bins_ = { edges: column.edges, reference: column.counts, current };
  const sampled = values.length > 0;
  if (column.count <= KS_MAX_REFERENCE_ROWS) {
    const r = sampled ? ks2samp(column.sample, values) : null;
    return {
      ...common,
      method: 'ks',
      statistic: r?.statistic ?? null,
      p_value: r?.pvalue ?? null,
      threshold: DRIFT_THRESHOLDS.ks,
      drifted: r !== null && r.pvalue < DRIFT_THRESHOLDS.ks,
      sample_size: values.length,
      bins: bins_,
    };
  }
  const statistic = sampled ? wassersteinDistance(column.sample, values) / Math.max(column.std, MIN_NORM) : null;
  return {
    ...common,
    method: 'wasserstein',
    statistic,
    p_value: null,
    threshold: DRIFT_THRESHOLDS.wasserstein,
    drifted: statistic !== null && statistic >= DRIFT_THRESHOLDS.wasserstein,
    sample_size: values.length,
    bins: bins_,
  };
}

/**
 * The drift of a window: `hist` is the window's summed histogram on `layout`, `sample` its sampled
 * rows (`layout.width` values each: hash, inputs, output).
 */
export function windowDrift(layout: ReferenceLayout, hist: Uint32Array, sample: Float64Array): WindowDrift {
  const rows = sample.length / layout.width;
  const valuesOf = (k: number) => {
    const values: number[] = [];
    for (let r = 0; r < rows; r++) {
      const x = sample[r * layout.width + 1 + k]!;
      if (!Number.isNaN(x)) values.push(x);
    }
    return values;
  };
  const features = layout.columns.slice(0, layout.inputs).map((c, f) => columnDrift(c, hist, valuesOf(f)));
  const output = columnDrift(layout.columns[layout.inputs]!, hist, valuesOf(layout.inputs));
  const drifted = features.filter((f) => f.drifted).length;
  const share = drifted / features.length;
  return {
    features,
    output,
    drifted_features: drifted,
    share_drifted: share,
    dataset_drift: share >= DRIFT_THRESHOLDS.share,
  };
}
