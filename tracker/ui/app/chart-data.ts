import type { Metric, Run } from '../../client/schemas.ts';

/** What a chart's x axis shows. */
export type XMode = 'step' | 'time';

/** One line: x and y values, sorted by x. */
export interface Series {
  xs: number[];
  ys: number[];
}

/**
 * Turns a metric history into a series sorted by step (or time, in seconds since epoch, as uPlot's
 * time scale wants). Points at the same x keep their logging order; non-finite values become gaps.
 */
export function historyToSeries(points: Metric[], mode: XMode): Series {
  const sorted = points
    .map((p, i) => ({
      x: mode === 'step' ? Number(p.step) : Number(p.timestamp) / 1000,
      y: Number(p.value),
      t: Number(p.timestamp),
      i,
    }))
    .sort((a, b) => a.x - b.x || a.t - b.t || a.i - b.i);
  return { xs: sorted.map((p) => p.x), ys: sorted.map((p) => p.y) };
}

/** uPlot's data layout: one shared x array, then one y array per series (null = no point). */
export type Aligned = [number[], ...(number | null)[][]];

/**
 * Puts several series on one shared x axis (the union of their x values), as uPlot needs to overlay
 * them. A series with several points at one x keeps its last one. Linear in the number of points.
 */
export function alignSeries(series: Series[]): Aligned {
  if (series.length === 1) {
    const s = series[0]!;
    return [s.xs.slice(), s.ys.map((y) => (Number.isFinite(y) ? y : null))];
  }
  const xSet = new Set<number>();
  for (const s of series) for (const x of s.xs) xSet.add(x);
  const xs = [...xSet].sort((a, b) => a - b);
  const index = new Map<number, number>();
  xs.forEach((x, i) => index.set(x, i));
  const out: Aligned = [xs];
  for (const s of series) {
    const ys: (number | null)[] = new Array(xs.length).fill(null);
    for (let i = 0; i < s.xs.length; i++) {
      const y = s.ys[i]!;
      ys[index.get(s.xs[i]!)!] = Number.isFinite(y) ? y : null;
    }
    out.push(ys);
  }
  return out;
}

/** For a log scale: values that are not positive cannot be drawn and become gaps. */
export function logSafe(data: Aligned): Aligned {
  const [xs, ...ys] = data;
  return [xs, ...ys.map((col) => col.map((v) => (v !== null && v > 0 ? v : null)))];
}

/** Points of the param-vs-metric scatter. Non-numeric params are placed on categories. */
export interface Scatter {
  xs: number[];
  ys: number[];
  runIds: string[];
  /** Category names when the param is not numeric (x is the index into it), else null. */
  categories: string[] | null;
}

/** Builds the scatter of one param (x) against one metric's latest value (y) over runs having both. */
export function scatterData(runs: Run[], paramKey: string, metricKey: string): Scatter {
  const rows: { x: string; y: number; id: string }[] = [];
  for (const r of runs) {
    const x = r.data.params?.find((p) => p.key === paramKey)?.value;
    const y = r.data.metrics?.find((m) => m.key === metricKey)?.value;
    if (x !== undefined && y !== undefined && Number.isFinite(Number(y)))
      rows.push({ x, y: Number(y), id: r.info.run_id });
  }
  const numeric = rows.every((r) => r.x.trim() !== '' && Number.isFinite(Number(r.x)));
  let categories: string[] | null = null;
  let xOf: (s: string) => number = Number;
  if (!numeric) {
    categories = [...new Set(rows.map((r) => r.x))].sort((a, b) => a.localeCompare(b));
    const idx = new Map(categories.map((c, i) => [c, i]));
    xOf = (s) => idx.get(s)!;
  }
  rows.sort((a, b) => xOf(a.x) - xOf(b.x));
  return { xs: rows.map((r) => xOf(r.x)), ys: rows.map((r) => r.y), runIds: rows.map((r) => r.id), categories };
}
