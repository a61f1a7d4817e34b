/** Per-feature mean and standard deviation, as stored in `signature.json`'s `preprocess.standardize`. */
export interface Standardizer {
  mean: number[];
  std: number[];
}

/**
 * Fit a standardizer on rows (sklearn's `StandardScaler`: population std, ddof 0). A feature with
 * zero (or non-finite) spread gets std 1, so it is only centred.
 */
export function fitStandardizer(rows: number[][]): Standardizer {
  if (rows.length === 0) throw new RangeError('cannot fit a standardizer on zero rows');
  const d = rows[0]!.length;
  const mean = new Array<number>(d).fill(0);
  for (const row of rows) {
    if (row.length !== d) throw new RangeError('all rows must have the same length');
    for (let j = 0; j < d; j++) mean[j]! += row[j]!;
  }
  for (let j = 0; j < d; j++) mean[j]! /= rows.length;
  const variance = new Array<number>(d).fill(0);
  for (const row of rows) {
    for (let j = 0; j < d; j++) variance[j]! += (row[j]! - mean[j]!) ** 2;
  }
  // Like sklearn, a std lost in rounding noise (constant feature) counts as zero.
  const std = variance.map((v, j) => {
    const s = Math.sqrt(v / rows.length);
    return Number.isFinite(s) && s > 10 * Number.EPSILON * Math.max(1, Math.abs(mean[j]!)) ? s : 1;
  });
  return { mean, std };
}

/** `(x - mean) / std` per feature, as new rows. */
export function applyStandardizer(rows: number[][], { mean, std }: Standardizer): number[][] {
  return rows.map((row) => {
    if (row.length !== mean.length) {
      throw new RangeError(`expected ${mean.length} features, got ${row.length}`);
    }
    return row.map((v, j) => (v - mean[j]!) / std[j]!);
  });
}
