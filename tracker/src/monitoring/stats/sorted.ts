/** A sorted copy of `values` (numeric order) as a Float64Array. */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}
