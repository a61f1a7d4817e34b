import type { MetricWithRunId } from '../../client/schemas.ts';
import type { Aligned } from './chart-data.ts';

/** Most points per run get-history-bulk-interval samples to (the server's cap). */
export const BULK_MAX_RESULTS = 2500;

/**
 * Steps to ask of get-history-bulk-interval for a chart `widthPx` CSS pixels wide: one per device pixel
 * column (more could not be seen; zooming in fetches the detail), at least 100, at most the server's cap.
 */
export function pointsForWidth(widthPx: number, pixelRatio = 1): number {
  return Math.max(100, Math.min(BULK_MAX_RESULTS, Math.ceil(widthPx * pixelRatio)));
}

/** One metric's runs on one shared step axis, as uPlot draws them. */
export interface BulkChart {
  /** Run ids with at least one point, in the order asked for; series i + 1 of `data` is run i. */
  runIds: string[];
  data: Aligned;
  /**
   * Whether the server returned every step of the range: it samples only when the runs' steps there
   * outnumber `max_results`, and a sample holds more than `max_results` distinct steps.
   */
  complete: boolean;
}

/**
 * Lays get-history-bulk-interval's points on one shared step axis, straight from the response (no
 * per-run arrays sorted and merged). Several points of a run at one step: the latest (by timestamp,
 * then answer order) is drawn. Non-finite values ("NaN", "Infinity" as MLflow writes them) are gaps.
 */
export function alignBulk(points: MetricWithRunId[], runIds: string[], maxResults: number): BulkChart {
  const present = new Set<string>();
  const stepSet = new Set<number>();
  for (const p of points) {
    present.add(p.run_id!);
    stepSet.add(Number(p.step));
  }
  const ids = runIds.filter((id) => present.has(id));
  const xs = [...stepSet].sort((a, b) => a - b);
  const n = xs.length;
  // Steps are usually consecutive integers: then a step's column is step − first, without a Map.
  const first = xs[0] ?? 0;
  const dense = n > 0 && xs[n - 1]! - first === n - 1;
  const index = dense ? null : new Map(xs.map((x, i) => [x, i]));
  const series = new Map<string, { ys: (number | null)[]; ts: Float64Array }>();
  const data: Aligned = [xs];
  for (const id of ids) {
    const col = { ys: new Array<number | null>(n).fill(null), ts: new Float64Array(n).fill(-Infinity) };
    series.set(id, col);
    data.push(col.ys);
  }
  for (const p of points) {
    const col = series.get(p.run_id!)!;
    const step = Number(p.step);
    const i = dense ? step - first : index!.get(step)!;
    const t = Number(p.timestamp);
    if (t < col.ts[i]!) continue;
    col.ts[i] = t;
    const y = Number(p.value);
    col.ys[i] = Number.isFinite(y) ? y : null;
  }
  return { runIds: ids, data, complete: n <= maxResults };
}

/**
 * `overview`'s data with its steps in [start, end] replaced by `detail`'s (runs matched by id; a run
 * without points in the window gets a gap there): the detail of a zoomed window and the sampled rest
 * around it, so that resetting the zoom still shows everything.
 */
export function spliceWindow(overview: BulkChart, detail: BulkChart, start: number, end: number): Aligned {
  const xs = overview.data[0];
  let lo = 0;
  while (lo < xs.length && xs[lo]! < start) lo++;
  let hi = lo;
  while (hi < xs.length && xs[hi]! <= end) hi++;
  const inner = detail.data[0];
  const out: Aligned = [[...xs.slice(0, lo), ...inner, ...xs.slice(hi)]];
  overview.runIds.forEach((id, s) => {
    const col = overview.data[s + 1]!;
    const k = detail.runIds.indexOf(id);
    const mid = k === -1 ? new Array<null>(inner.length).fill(null) : detail.data[k + 1]!;
    out.push([...col.slice(0, lo), ...mid, ...col.slice(hi)]);
  });
  return out;
}
