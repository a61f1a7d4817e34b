import type { Signature } from '../../contracts/index.ts';
import { type ColumnKind, isMissing, parseNumber } from './column-types.ts';
import { fitStandardizer, type Standardizer } from './standardize.ts';

/** Most categories a categorical feature may have (its one-hot columns). */
export const MAX_ONE_HOT = 100;

/** How one feature is encoded: a numeric one with what fills its missing cells, or a categorical one's categories. */
export type EncodedFeature =
  | { name: string; kind: 'numeric'; impute: number }
  | { name: string; kind: 'categorical'; categories: string[] };

/** A fitted encoder: the features in order, and the standardizer of their raw values. */
export interface FeatureEncoder {
  features: EncodedFeature[];
  /** One mean/std per feature; mean 0, std 1 for a categorical feature (its one-hot columns are not scaled). */
  standardizer: Standardizer;
}

/**
 * Fits the encoding of feature columns on the training rows (`cells[r][f]`: row r's text of feature f):
 * a numeric feature's missing cells are filled with its training median; a categorical feature's
 * categories are the values its training rows hold (sorted; missing cells are no category). The
 * standardizer is fitted on the training rows' raw values. Throws when a categorical feature has more
 * than `MAX_ONE_HOT` categories.
 */
export function fitEncoder(
  columns: readonly { name: string; kind: ColumnKind }[],
  cells: readonly (readonly string[])[],
  trainIndex: readonly number[],
): FeatureEncoder {
  const features: EncodedFeature[] = columns.map((column, f) => {
    if (column.kind === 'numeric') {
      const values = trainIndex
        .map((r) => cells[r]![f]!)
        .filter((c) => !isMissing(c))
        .map((c) => parseNumber(c)!);
      return { name: column.name, kind: 'numeric', impute: median(values) };
    }
    const categories = [
      ...new Set(
        trainIndex
          .map((r) => cells[r]![f]!)
          .filter((c) => !isMissing(c))
          .map((c) => c.trim()),
      ),
    ].sort();
    if (categories.length > MAX_ONE_HOT) {
      throw new Error(
        `column "${column.name}" has ${categories.length} distinct values in the training rows; one-hot encoding takes at most ${MAX_ONE_HOT} (--drop it, or --id if it identifies rows)`,
      );
    }
    return { name: column.name, kind: 'categorical', categories };
  });
  const partial: FeatureEncoder = { features, standardizer: { mean: [], std: [] } };
  const fitted = fitStandardizer(trainIndex.map((r) => rawRow(partial, cells[r]!)));
  features.forEach((feature, f) => {
    if (feature.kind === 'categorical') {
      fitted.mean[f] = 0;
      fitted.std[f] = 1;
    }
  });
  return { features, standardizer: fitted };
}

/**
 * A row's raw values as numbers, as prediction events record them: a numeric feature's number (its
 * impute value when missing), a categorical feature's category position (-1 when missing or unknown).
 */
export function rawRow(encoder: Pick<FeatureEncoder, 'features'>, cells: readonly string[]): number[] {
  return encoder.features.map((feature, f) => {
    const cell = cells[f]!;
    if (feature.kind === 'numeric') return isMissing(cell) ? feature.impute : parseNumber(cell)!;
    return isMissing(cell) ? -1 : feature.categories.indexOf(cell.trim());
  });
}

/** The model's input of a raw row: standardized numbers, each categorical feature one-hot (as the worker does). */
export function modelRow(encoder: FeatureEncoder, raw: readonly number[]): number[] {
  const out: number[] = [];
  const { mean, std } = encoder.standardizer;
  encoder.features.forEach((feature, f) => {
    const v = raw[f]!;
    if (feature.kind === 'numeric') out.push((v - mean[f]!) / std[f]!);
    else for (let k = 0; k < feature.categories.length; k++) out.push(k === v ? 1 : 0);
  });
  return out;
}

/** How many columns the model takes. */
export function modelWidth(encoder: FeatureEncoder): number {
  return encoder.features.reduce((n, f) => n + (f.kind === 'numeric' ? 1 : f.categories.length), 0);
}

/** The signature's inputs, standardization and sample (a raw row with its categories as text) of an encoder. */
export function signatureInputs(
  encoder: FeatureEncoder,
  sample: readonly number[],
): Pick<Signature, 'inputs' | 'preprocess' | 'sample'> {
  return {
    inputs: encoder.features.map((f) =>
      f.kind === 'numeric'
        ? { name: f.name, dtype: 'float32' as const, impute: f.impute }
        : { name: f.name, dtype: 'string' as const, categories: f.categories },
    ),
    preprocess: { standardize: { mean: encoder.standardizer.mean, std: encoder.standardizer.std } },
    sample: encoder.features.map((f, i) =>
      f.kind === 'numeric' ? sample[i]! : f.categories[Math.max(0, sample[i]!)]!,
    ),
  };
}

/** The median of values (the mean of the middle two for an even count); 0 for none. */
export function median(values: readonly number[]): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
