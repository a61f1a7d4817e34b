/**
 * The `q`-th percentiles (0–100) of `values`, as numpy's `percentile` computes them (method "linear": the
 * sorted values interpolated at rank `(n − 1)·q/100`). Sorts a copy once for all of `qs`; null when empty.
 */
export function percentiles(values: ArrayLike<number>, qs: readonly number[]): Array<number | null> {
  const n = values.length;
  if (n === 0) return qs.map(() => null);
  const sorted = Float64Array.from(values).sort();
  return qs.map((q) => {
    const h = ((n - 1) * q) / 100;
    const lo = Math.floor(h);
    const hi = Math.min(n - 1, lo + 1);
    return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
  });
}
