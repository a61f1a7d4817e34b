import type { PredictionArm } from '../../../contracts/index.ts';
import type { RollupRow } from '../store/prediction-rollups.ts';
import { LATENCY_BUCKETS, latencyQuantile } from './latency-buckets.ts';

/** One step of a version's traffic on one arm. */
export interface TrafficPoint {
  /** Epoch ms of the step's start. */
  time: number;
  count: number;
  errors: number;
  error_rate: number;
  latency_mean_ms: number;
  /** From the latency buckets: at most 19% above the true quantile (see `latencyQuantile`). */
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  latency_p99_ms: number | null;
  latency_max_ms: number;
}

/** A version's traffic on one arm, steps with events only, oldest first. */
export interface TrafficSeries {
  version: string;
  arm: PredictionArm;
  points: TrafficPoint[];
}

interface Step {
  time: number;
  count: number;
  errors: number;
  latency: Float64Array;
  sum: number;
  max: number;
}

/** Traffic time series by version and arm from rollups, summed into steps of `stepMs` from `start`. */
export function trafficSeries(rows: readonly RollupRow[], start: number, stepMs: number): TrafficSeries[] {
  const series = new Map<string, { version: string; arm: PredictionArm; steps: Map<number, Step> }>();
  for (const { version, arm, minute, rollup } of rows) {
    const id = `${version}\u0000${arm}`;
    let s = series.get(id);
    if (!s) series.set(id, (s = { version, arm, steps: new Map() }));
    const time = start + Math.floor((minute - start) / stepMs) * stepMs;
    let step = s.steps.get(time);
    if (!step) {
      step = { time, count: 0, errors: 0, latency: new Float64Array(LATENCY_BUCKETS), sum: 0, max: 0 };
      s.steps.set(time, step);
    }
    step.count += rollup.count;
    step.errors += rollup.errors;
    for (let i = 0; i < LATENCY_BUCKETS; i++) step.latency[i]! += rollup.latency[i]!;
    step.sum += rollup.latencySum;
    step.max = Math.max(step.max, rollup.latencyMax);
  }
  return [...series.values()]
    .sort((a, b) => Number(a.version) - Number(b.version) || a.arm.localeCompare(b.arm))
    .map(({ version, arm, steps }) => ({
      version,
      arm,
      points: [...steps.values()]
        .sort((a, b) => a.time - b.time)
        .map((p) => ({
          time: p.time,
          count: p.count,
          errors: p.errors,
          error_rate: p.errors / p.count,
          latency_mean_ms: p.sum / p.count,
          latency_p50_ms: latencyQuantile(p.latency, 0.5, p.max),
          latency_p95_ms: latencyQuantile(p.latency, 0.95, p.max),
          latency_p99_ms: latencyQuantile(p.latency, 0.99, p.max),
          latency_max_ms: p.max,
        })),
    }));
}
