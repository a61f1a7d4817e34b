import { sortedCopy } from './sorted.ts';

/**
 * First Wasserstein distance between two empirical distributions (unweighted samples), as
 * `scipy.stats.wasserstein_distance` computes it: the integral of |U − V| over the merged sorted
 * values, U and V the samples' empirical CDFs.
 */
export function wassersteinDistance(u: ArrayLike<number>, v: ArrayLike<number>): number {
  if (!u.length || !v.length) throw new RangeError('wassersteinDistance: a sample is empty');
  const us = sortedCopy(u);
  const vs = sortedCopy(v);
  const all = new Float64Array(us.length + vs.length);
  all.set(us);
  all.set(vs, us.length);
  all.sort();
  let iu = 0;
  let iv = 0;
  let sum = 0;
  for (let k = 0; k < all.length - 1; k++) {
    const x = all[k]!;
    // searchsorted(..., 'right'): how many values are ≤ x
    while (iu < us.length && us[iu]! <= x) iu++;
    while (iv < vs.length && vs[iv]! <= x) iv++;
    sum += Math.abs(iu / us.length - iv / vs.length) * (all[k + 1]! - x);
  }
  return sum;
}
