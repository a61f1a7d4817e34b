import { hashString32, type PredictionEvent } from '../../../contracts/index.ts';
import { LATENCY_BUCKETS, latencyBucket } from './latency-buckets.ts';
import { binIn, type ReferenceLayout } from './reference-layout.ts';

/** Most sampled events one rollup (one minute of one arm) keeps. */
export const ROLLUP_SAMPLE = 64;

/** One model version's traffic on one arm in one minute (see the `prediction_rollups` table). */
export interface Rollup {
  count: number;
  errors: number;
  latency: Uint32Array;
  latencySum: number;
  latencyMax: number;
  /** The reference profile `hist` and `sample` are on; null when the version had none yet. */
  referenceId: number | null;
  binned: number;
  hist: Uint32Array | null;
  /** Rows of `layout.width` values, ascending by their first (the prediction id's hash). */
  sample: Float64Array | null;
}

/** Whether an event counts toward drift: a successful answer with one value per reference input. */
function binnable(e: PredictionEvent, layout: ReferenceLayout): boolean {
  return e.status < 400 && e.output !== undefined && e.inputs.length === layout.inputs;
}

/** The `k` rows with the smallest hashes (first value) of several samples, ascending. */
export function smallestRows(samples: readonly Float64Array[], width: number, k: number): Float64Array {
  const rows: Float64Array[] = [];
  for (const s of samples) for (let at = 0; at < s.length; at += width) rows.push(s.subarray(at, at + width));
  rows.sort((a, b) => a[0]! - b[0]!);
  const kept = rows.slice(0, k);
  const out = new Float64Array(kept.length * width);
  kept.forEach((row, i) => out.set(row, i * width));
  return out;
}

/**
 * The rollup of some events of one version, arm and minute: counts, errors (status ≥ 400), latency
 * buckets, and, on `layout` (none: the version has no reference yet), every binnable event's bins
 * and the `ROLLUP_SAMPLE` of them whose prediction ids hash smallest. Events in `skip` (the ones a
 * live reference was just made of) are counted but not binned.
 */
export function rollupOf(
  events: readonly PredictionEvent[],
  layout: ReferenceLayout | null,
  skip: ReadonlySet<string> = new Set(),
): Rollup {
  const r: Rollup = {
    count: 0,
    errors: 0,
    latency: new Uint32Array(LATENCY_BUCKETS),
    latencySum: 0,
    latencyMax: 0,
    referenceId: layout?.id ?? null,
    binned: 0,
    hist: layout ? new Uint32Array(layout.bins) : null,
    sample: null,
  };
  const fields = layout?.profile.output.field;
  const sampled: { hash: number; event: PredictionEvent; out: number }[] = [];
  for (const e of events) {
    r.count++;
    if (e.status >= 400) r.errors++;
    r.latency[latencyBucket(e.latency_ms)]!++;
    r.latencySum += e.latency_ms;
    if (e.latency_ms > r.latencyMax) r.latencyMax = e.latency_ms;
    if (!layout || !r.hist || skip.has(e.prediction_id) || !binnable(e, layout)) continue;
    r.binned++;
    for (let f = 0; f < layout.inputs; f++) {
      const { column, offset } = layout.columns[f]!;
      r.hist[offset + binIn(column, e.inputs[f]!)]!++;
    }
    const out = fields === 'probability' ? e.output!.probability : e.output!.prediction;
    if (out !== undefined) {
      const { column, offset } = layout.columns[layout.inputs]!;
      r.hist[offset + binIn(column, out)]!++;
    }
    sampled.push({ hash: hashString32(e.prediction_id), event: e, out: out ?? Number.NaN });
  }
  if (layout) {
    const kept = sampled.sort((a, b) => a.hash - b.hash).slice(0, ROLLUP_SAMPLE);
    r.sample = new Float64Array(kept.length * layout.width);
    kept.forEach(({ hash, event, out }, i) => {
      const at = i * layout.width;
      r.sample![at] = hash;
      r.sample!.set(event.inputs, at + 1);
      r.sample![at + layout.width - 1] = out;
    });
  }
  return r;
}

/** Two rollups of the same version, arm and minute as one (`b` newer: its reference wins a difference). */
export function mergeRollups(a: Rollup, b: Rollup, width: number): Rollup {
  const latency = new Uint32Array(LATENCY_BUCKETS);
  for (let i = 0; i < LATENCY_BUCKETS; i++) latency[i] = a.latency[i]! + b.latency[i]!;
  const base = {
    count: a.count + b.count,
    errors: a.errors + b.errors,
    latency,
    latencySum: a.latencySum + b.latencySum,
    latencyMax: Math.max(a.latencyMax, b.latencyMax),
  };
  if (b.referenceId === null)
    return { ...base, referenceId: a.referenceId, binned: a.binned, hist: a.hist, sample: a.sample };
  if (a.referenceId !== b.referenceId || !a.hist || !a.sample) {
    return { ...base, referenceId: b.referenceId, binned: b.binned, hist: b.hist, sample: b.sample };
  }
  const hist = new Uint32Array(a.hist.length);
  for (let i = 0; i < hist.length; i++) hist[i] = a.hist[i]! + b.hist![i]!;
  return {
    ...base,
    referenceId: b.referenceId,
    binned: a.binned + b.binned,
    hist,
    sample: smallestRows([a.sample, b.sample!], width, ROLLUP_SAMPLE),
  };
}
