/**
 * The share an empty bin counts as (Evidently's rule): 0.0001, or a millionth of the smallest non-empty
 * share when that is itself ≤ 0.0001, so that a filled bin never outweighs a real one.
 */
export const PSI_EMPTY_SHARE = 0.0001;

function sharesOf(counts: ArrayLike<number>): number[] {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  const shares = Array.from(counts, (c) => c / total);
  let smallest = Number.POSITIVE_INFINITY;
  for (const s of shares) if (s !== 0 && s < smallest) smallest = s;
  const fill = smallest <= PSI_EMPTY_SHARE ? smallest / 1e6 : PSI_EMPTY_SHARE;
  return shares.map((s) => (s === 0 ? fill : s));
}

/**
 * Population stability index of two histograms on the same bins: Σ (r − c) · ln(r / c) over the bins'
 * shares, an empty bin's share filled as `PSI_EMPTY_SHARE` says (Evidently's `psi` stattest). NaN when
 * either side has no counts.
 */
export function psi(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  if (reference.length !== current.length) throw new RangeError('psi: the histograms have different bins');
  const r = sharesOf(reference);
  const c = sharesOf(current);
  let sum = 0;
  for (let i = 0; i < r.length; i++) sum += (r[i]! - c[i]!) * Math.log(r[i]! / c[i]!);
  return sum;
}
