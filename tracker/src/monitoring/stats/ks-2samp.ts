import { sortedCopy } from './sorted.ts';

/** Largest sample size the exact p-value is computed for (scipy's `MAX_AUTO_N` of `method='auto'`). */
export const KS_EXACT_MAX_N = 10_000;

/** A two-sample Kolmogorov–Smirnov test's result. */
export interface KsResult {
  statistic: number;
  pvalue: number;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** numpy's `round`: half to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Pr(D_{n,n} ≥ h/n), scipy's `_compute_prob_outside_square`. */
function probOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    p = p1 * (1 - p);
  }
  return 2 * p;
}

/** The share of lattice paths that leave the band |x/m − y/n| < h/lcm, scipy's `_compute_outer_prob_inside_method`. */
function outerProbInside(m0: number, n0: number, g: number, h: number): number {
  const [m, n] = m0 < n0 ? [n0, m0] : [m0, n0];
  const mg = Math.floor(m / g);
  const ng = Math.floor(n / g);
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const a = new Float64Array(Math.min(2 * maxj + 2, n + 1)).fill(1);
  a.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (a[jj + minj - lastminj]! * i + val * j) / (i + j);
      a[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) a.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return a[maxj - minj - 1]!;
}

/**
 * Two-sided two-sample Kolmogorov–Smirnov test, as `scipy.stats.ks_2samp(a, b)` computes it with its
 * defaults (`alternative='two-sided'`, `method='auto'`): the largest distance between the empirical
 * CDFs, and scipy's exact p-value, which `auto` picks whenever both samples have at most
 * `KS_EXACT_MAX_N` values. Larger samples (scipy's asymptotic branch) are refused: callers bound
 * their samples below it.
 */
export function ks2samp(a: ArrayLike<number>, b: ArrayLike<number>): KsResult {
  const n1 = a.length;
  const n2 = b.length;
  if (!n1 || !n2) throw new RangeError('ks2samp: a sample is empty');
  if (Math.max(n1, n2) > KS_EXACT_MAX_N) {
    throw new RangeError(`ks2samp: samples above ${KS_EXACT_MAX_N} values are not supported`);
  }
  const x = sortedCopy(a);
  const y = sortedCopy(b);
  let i = 0;
  let j = 0;
  let maxS = Number.NEGATIVE_INFINITY;
  let minDiff = Number.POSITIVE_INFINITY;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && x[i]! <= y[j]!) ? x[i]! : y[j]!;
    while (i < n1 && x[i]! <= v) i++;
    while (j < n2 && y[j]! <= v) j++;
    const diff = i / n1 - j / n2;
    if (diff > maxS) maxS = diff;
    if (diff < minDiff) minDiff = diff;
  }
  const minS = Math.min(Math.max(-minDiff, 0), 1);
  const d = Math.max(minS, maxS);

  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = roundHalfEven(d * lcm);
  const statistic = h / lcm;
  if (h === 0) return { statistic, pvalue: 1 };
  const p = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInside(n1, n2, g, h);
  if (!(p >= 0 && p <= 1)) throw new RangeError('ks2samp: the exact p-value did not converge');
  return { statistic, pvalue: p };
}
