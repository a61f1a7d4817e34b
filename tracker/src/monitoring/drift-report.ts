import type { PredictionArm } from '../../../contracts/index.ts';
import type { TrackingStore } from '../store/tracking-store.ts';
import { DRIFT_THRESHOLDS, type WindowDrift, windowDrift } from './drift.ts';
import { layoutOf } from './reference-layout.ts';
import { smallestRows } from './rollup.ts';

/** Most sampled events of a window KS and Wasserstein compare with the reference sample. */
export const WINDOW_SAMPLE = 2000;

/** What `driftReport` reports on: a version's events (of one arm, or all) in [start, end). */
export interface DriftQuery {
  name: string;
  version: string;
  arm?: PredictionArm;
  start: number;
  end: number;
  /** Events a live reference is made of (for the report on one being collected). */
  referenceEvents: number;
}

/** The answer of `GET monitoring/drift`. */
export interface DriftReport extends Partial<WindowDrift> {
  name: string;
  version: string;
  arm?: PredictionArm;
  start_time: number;
  end_time: number;
  /** Where the reference comes from, and whether it is made yet (`collecting`: no drift until it is). */
  reference:
    | { source: 'training' | 'live'; status: 'ready'; created_at: number }
    | { source: 'live'; status: 'collecting'; events_needed: number }
    | { source: 'none'; status: 'none' };
  /** Events in the window, and how many of them the drift is computed on (successful, not part of the reference). */
  events: number;
  binned: number;
  thresholds: typeof DRIFT_THRESHOLDS;
}

/**
 * A version's drift over a window, from the rollups alone: the window's histograms summed on the
 * reference's bins (PSI, Jensen–Shannon), and its sample the `WINDOW_SAMPLE` rows whose prediction ids
 * hash smallest among the minutes' samples (KS, Wasserstein) — a uniform sample of the window unless
 * a minute would have given more than it keeps (`ROLLUP_SAMPLE`), whose share is then capped.
 */
export async function driftReport(store: TrackingStore, q: DriftQuery): Promise<DriftReport> {
  const stored = await store.getReferenceProfile(q.name, q.version);
  const rows = await store.readRollups({
    model: q.name,
    version: q.version,
    arm: q.arm,
    start: q.start,
    end: q.end,
    bins: true,
  });
  const base = {
    name: q.name,
    version: q.version,
    ...(q.arm ? { arm: q.arm } : {}),
    start_time: q.start,
    end_time: q.end,
    events: rows.reduce((n, r) => n + r.rollup.count, 0),
    thresholds: DRIFT_THRESHOLDS,
  };
  if (!stored?.profile) {
    const reference = stored
      ? ({ source: 'live', status: 'collecting', events_needed: q.referenceEvents } as const)
      : ({ source: 'none', status: 'none' } as const);
    return { ...base, reference, binned: 0 };
  }
  const layout = layoutOf(stored.id, stored.profile);
  const hist = new Uint32Array(layout.bins);
  const samples: Float64Array[] = [];
  let binned = 0;
  for (const { rollup } of rows) {
    if (rollup.referenceId !== stored.id || !rollup.hist || !rollup.sample) continue;
    binned += rollup.binned;
    for (let i = 0; i < hist.length; i++) hist[i]! += rollup.hist[i]!;
    samples.push(rollup.sample);
  }
  const sample = smallestRows(samples, layout.width, WINDOW_SAMPLE);
  return {
    ...base,
    reference: { source: stored.source, status: 'ready', created_at: stored.created_at },
    binned,
    ...windowDrift(layout, hist, sample),
  };
}
