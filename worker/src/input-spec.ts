import type { Signature } from '../../contracts/index.ts';

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
}

/** Builds the `InputSpec` of a (validated) signature. */
export function buildInputSpec(signature: Signature): InputSpec {
  const names = signature.inputs.map((input) => input.name);
  const standardize = signature.preprocess?.standardize;
  return {
    names,
    index: new Map(names.map((name, i) => [name, i])),
    mean: standardize ? Float64Array.from(standardize.mean) : null,
    std: standardize ? Float64Array.from(standardize.std) : null,
  };
}

/** Applies the signature's preprocessing to a raw feature vector (tests, warm-up). */
export function preprocess(spec: InputSpec, raw: readonly number[]): Float32Array {
  const out = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++)
    out[i] = spec.mean && spec.std ? (raw[i]! - spec.mean[i]!) / spec.std[i]! : raw[i]!;
  return out;
}
