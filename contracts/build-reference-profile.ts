import { mix32 } from './hash32.ts';
import {
  MAX_CATEGORIES,
  MAX_REFERENCE_SAMPLE,
  REFERENCE_BINS,
  type ReferenceColumn,
  ReferenceProfile,
} from './reference-profile.ts';

/** The bin of `x` on a numeric column's inner edges: how many edges are ≤ x. */
export function binOf(edges: readonly number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The bin of `x` in a categorical column: its category's index, or the last bin for any other value. */
export function categoryOf(categories: readonly number[], x: number): number {
  const i = categories.indexOf(x);
  return i === -1 ? categories.length : i;
}

/** The q-quantile of sorted values, linearly interpolated (numpy's default method). */
function quantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** The indices of at most `size` of `n` rows, chosen by `seed` (the same seed, the same rows), in order. */
export function sampleRows(n: number, size: number, seed: number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (n <= size) return all;
  const salt = mix32(seed);
  const priority = all.map((i) => mix32(i ^ salt));
  return all
    .sort((a, b) => priority[a]! - priority[b]!)
    .slice(0, size)
    .sort((a, b) => a - b);
}

function numericColumn(name: string, values: readonly number[], sample: readonly number[]): ReferenceColumn {
  const sorted = Float64Array.from(values).sort();
  const edges: number[] = [];
  for (let k = 1; k < REFERENCE_BINS; k++) {
    const q = quantile(sorted, k / REFERENCE_BINS);
    if (!edges.length || q > edges.at(-1)!) edges.push(q);
  }
  const counts = new Array<number>(edges.length + 1).fill(0);
  let total = 0;
  for (const x of values) {
    counts[binOf(edges, x)]!++;
    total += x;
  }
  const mean = total / values.length;
  let squares = 0;
  for (const x of values) squares += (x - mean) ** 2;
  return {
    name,
    kind: 'numeric',
    count: values.length,
    edges,
    counts,
    mean,
    std: Math.sqrt(squares / values.length),
    min: sorted[0]!,
    max: sorted.at(-1)!,
    sample: sample.map((i) => values[i]!),
  };
}

function categoricalColumn(name: string, values: readonly number[]): ReferenceColumn {
  const seen = new Map<number, number>();
  for (const x of values) seen.set(x, (seen.get(x) ?? 0) + 1);
  // the most frequent values, in value order; the rest count as "other"
  const categories = [...seen]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, MAX_CATEGORIES)
    .map(([x]) => x)
    .sort((a, b) => a - b);
  const counts = categories.map((x) => seen.get(x)!);
  counts.push(values.length - counts.reduce((a, b) => a + b, 0));
  return { name, kind: 'categorical', count: values.length, categories, counts };
}

/** What `buildReferenceProfile` works from. */
export interface ReferenceData {
  source: ReferenceProfile['source'];
  /** The inputs' names, in signature order. */
  names: readonly string[];
  /** Raw input rows (before preprocessing), one value per name. */
  rows: readonly (readonly number[])[];
  /** Names of the inputs whose values are categories. */
  categorical?: readonly string[];
  /** The model's outputs (on validation data), which output field they are, and whether they are classes. */
  output: { field: ReferenceProfile['output']['field']; values: readonly number[]; categorical?: boolean };
  /** Chooses the sampled rows (default 0). */
  seed?: number;
}

/**
 * A reference profile of the given rows and outputs: for each numeric input its deciles as bin edges
 * (equal deciles merged, so a column may have fewer than `REFERENCE_BINS` bins), the counts per bin,
 * mean, std, min, max and a seeded sample of at most `MAX_REFERENCE_SAMPLE` rows (every row when
 * there are no more); for a categorical input its `MAX_CATEGORIES` most frequent values and their
 * counts. Validated by the contract.
 */
export function buildReferenceProfile(data: ReferenceData): ReferenceProfile {
  if (!data.rows.length) throw new RangeError('a reference profile needs at least one row');
  if (!data.output.values.length) throw new RangeError('a reference profile needs at least one output');
  const seed = data.seed ?? 0;
  const categorical = new Set(data.categorical);
  const sample = sampleRows(data.rows.length, MAX_REFERENCE_SAMPLE, seed);
  const features = data.names.map((name, f) => {
    const values = data.rows.map((row) => {
      if (row.length !== data.names.length)
        throw new RangeError(`a row has ${row.length} values, not ${data.names.length}`);
      return row[f]!;
    });
    return categorical.has(name) ? categoricalColumn(name, values) : numericColumn(name, values, sample);
  });
  const { field, values, categorical: classes } = data.output;
  const column = classes
    ? categoricalColumn(field, values)
    : numericColumn(field, values, sampleRows(values.length, MAX_REFERENCE_SAMPLE, seed + 1));
  return ReferenceProfile.parse({ source: data.source, features, output: { field, column } });
}
