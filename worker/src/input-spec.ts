import { type Signature, signatureWidth } from '../../contracts/index.ts';

/** Request validation and preprocessing built once from a version's signature. */
export interface InputSpec {
  /** Feature names in input order. */
  names: string[];
  /** Position of each feature name. */
  index: Map<string, number>;
  /** Standardization mean per input, or null when the signature has none. */
  mean: Float64Array | null;
  /** Standardization std per input, or null when the signature has none. */
  std: Float64Array | null;
  /** Columns the model takes (inputs, with each categorical input as its one-hot columns). */
  width: number;
  /** The model column each input starts at. */
  offset: Int32Array;
  /** Per input: the position of each of its categories (a categorical input), or null (a numeric one). */
  categories: (Map<string, number> | null)[];
  /** Per input: what a `null` stands for (a numeric input with `impute`), else undefined (null is refused). */
  impute: (number | undefined)[];
}

/** Builds the `InputSpec` of a (validated) signature. */
export function buildInputSpec(signature: Signature): InputSpec {
  const names = signature.inputs.map((input) => input.name);
  const standardize = signature.preprocess?.standardize;
  const offset = new Int32Array(names.length);
  let at = 0;
  signature.inputs.forEach((input, i) => {
    offset[i] = at;
    at += input.dtype === 'string' ? input.categories.length : 1;
  });
  return {
    names,
    index: new Map(names.map((name, i) => [name, i])),
    mean: standardize ? Float64Array.from(standardize.mean) : null,
    std: standardize ? Float64Array.from(standardize.std) : null,
    width: signatureWidth(signature),
    offset,
    categories: signature.inputs.map((input) =>
      input.dtype === 'string' ? new Map(input.categories.map((c, k) => [c, k])) : null,
    ),
    impute: signature.inputs.map((input) => (input.dtype === 'float32' ? input.impute : undefined)),
  };
}

/**
 * The number a (valid) raw value of input `i` is recorded as in a prediction event: a numeric input's
 * value (`impute` for null), a categorical input's category position (-1 for null).
 */
export function rawValue(spec: InputSpec, i: number, v: unknown): number {
  const categories = spec.categories[i];
  if (categories) return v === null ? -1 : categories.get(v as string)!;
  return v === null ? spec.impute[i]! : (v as number);
}

/** Applies the signature's preprocessing (standardization, one-hot) to a valid raw input (tests, warm-up). */
export function preprocess(spec: InputSpec, raw: readonly (number | string | null)[]): Float32Array {
  const out = new Float32Array(spec.width);
  for (let i = 0; i < raw.length; i++) {
    const v = rawValue(spec, i, raw[i]);
    if (spec.categories[i]) {
      if (v >= 0) out[spec.offset[i]! + v] = 1;
    } else out[spec.offset[i]!] = spec.mean && spec.std ? (v - spec.mean[i]!) / spec.std[i]! : v;
  }
  return out;
}
