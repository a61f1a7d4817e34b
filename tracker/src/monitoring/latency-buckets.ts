/** Upper bound of the first latency bucket, in ms. */
const FIRST_BOUND_MS = 0.05;
/** Buckets per doubling of latency: each bound is 2^(1/4) ≈ 1.19 times the one before. */
const PER_DOUBLING = 4;
/** Buckets with a finite upper bound (the last at ≈ 43 s); one more holds anything slower. */
const BOUNDED = 80;

/** How many latency buckets a rollup counts. */
export const LATENCY_BUCKETS = BOUNDED + 1;

/** Upper bound (ms, inclusive) of latency bucket `i`; the last bucket has none (Infinity). */
export function latencyBound(i: number): number {
  return i >= BOUNDED ? Number.POSITIVE_INFINITY : FIRST_BOUND_MS * 2 ** (i / PER_DOUBLING);
}

/** The bucket of a latency: the first whose upper bound is ≥ it. */
export function latencyBucket(ms: number): number {
  if (!(ms > FIRST_BOUND_MS)) return 0;
  let i = Math.ceil(PER_DOUBLING * Math.log2(ms / FIRST_BOUND_MS));
  // log2 may round either way at a bound
  if (i > 0 && latencyBound(i - 1) >= ms) i--;
  else if (latencyBound(i) < ms) i++;
  return Math.min(i, BOUNDED);
}

/**
 * The q-quantile of the latencies counted in `buckets`: the upper bound of the bucket that holds the
 * ⌈q·n⌉-th smallest one, so never below the true value and less than 2^(1/4) (19%) above it; `max`
 * when that is the unbounded bucket (or smaller than the bound). Null for no latencies.
 */
export function latencyQuantile(buckets: ArrayLike<number>, q: number, max: number): number | null {
  let n = 0;
  for (let i = 0; i < buckets.length; i++) n += buckets[i]!;
  if (!n) return null;
  const rank = Math.max(1, Math.ceil(q * n));
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i]!;
    if (seen >= rank) return Math.min(latencyBound(i), max);
  }
  return max;
}
