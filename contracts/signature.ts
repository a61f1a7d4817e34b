import * as z from 'zod/mini';

const finite = z.number().check(z.refine(Number.isFinite, 'must be a finite number'));

/** Most categories a categorical input may list. */
export const MAX_INPUT_CATEGORIES = 1000;

const inputName = z.string().check(z.minLength(1));

/**
 * A numeric input: one float32 column of the model. With `impute`, a request may send `null` for it and
 * the model sees `impute` instead (the value training filled missing cells with).
 */
const NumericInput = z.object({
  name: inputName,
  dtype: z.literal('float32'),
  impute: z.optional(finite),
});

/**
 * A categorical input: a request sends one of `categories` (a string), which the model sees one-hot, as
 * `categories.length` columns in `categories` order; `null` (a missing value) is all zeros. Any other
 * value is refused.
 */
const CategoricalInput = z.object({
  name: inputName,
  dtype: z.literal('string'),
  categories: z.array(z.string()).check(
    z.minLength(1),
    z.maxLength(MAX_INPUT_CATEGORIES),
    z.refine((xs) => new Set(xs).size === xs.length, 'categories must be distinct'),
  ),
});

/** One input of a signature. */
export const SignatureInput = z.union([NumericInput, CategoricalInput]);

/** One input of a signature. */
export type SignatureInput = z.infer<typeof SignatureInput>;

const Output = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('binary'),
    threshold: z.number().check(z.gte(0), z.lte(1)),
    labels: z.tuple([z.string(), z.string()]),
  }),
  z.object({
    kind: z.literal('multiclass'),
    labels: z.array(z.string()).check(z.minLength(2)),
  }),
  z.object({ kind: z.literal('regression') }),
]);

/**
 * `signature.json`, stored beside a version's TFJS files: what the model takes, how its inputs are
 * preprocessed, and how its output is shaped into an answer.
 */
export const Signature = z
  .object({
    inputs: z.array(SignatureInput).check(z.minLength(1)),
    preprocess: z.optional(
      z.object({
        standardize: z.optional(
          z.object({
            mean: z.array(finite),
            std: z.array(finite.check(z.positive())),
          }),
        ),
      }),
    ),
    output: Output,
    format: z.enum(['tfjs-layers', 'tfjs-graph']),
    /** One valid input, in `inputs` order (a category for a categorical input); used to warm a model before it serves. */
    sample: z.array(z.union([finite, z.string()])),
  })
  .check(
    z.refine((s) => s.sample.length === s.inputs.length, {
      message: 'sample must have one value per input',
      path: ['sample'],
    }),
    z.refine(
      (s) =>
        s.sample.length !== s.inputs.length ||
        s.inputs.every((input, i) =>
          input.dtype === 'string' ? input.categories.includes(s.sample[i] as string) : typeof s.sample[i] === 'number',
        ),
      {
        message: 'sample must hold a number for each numeric input and one of its categories for each categorical one',
        path: ['sample'],
      },
    ),
    z.refine(
      (s) => {
        const st = s.preprocess?.standardize;
        return !st || (st.mean.length === s.inputs.length && st.std.length === s.inputs.length);
      },
      { message: 'standardize.mean and .std must have one value per input', path: ['preprocess'] },
    ),
    z.refine(
      (s) => {
        const st = s.preprocess?.standardize;
        return !st || s.inputs.every((input, i) => input.dtype !== 'string' || (st.mean[i] === 0 && st.std[i] === 1));
      },
      {
        message: 'standardize must be mean 0, std 1 for a categorical input (its one-hot columns are not standardized)',
        path: ['preprocess'],
      },
    ),
    z.refine((s) => new Set(s.inputs.map((i) => i.name)).size === s.inputs.length, {
      message: 'input names must be unique',
      path: ['inputs'],
    }),
  );

/** A model version's signature. */
export type Signature = z.infer<typeof Signature>;

/** How many columns the model takes: one per numeric input, one per category of each categorical input. */
export function signatureWidth(signature: Pick<Signature, 'inputs'>): number {
  let width = 0;
  for (const input of signature.inputs) width += input.dtype === 'string' ? input.categories.length : 1;
  return width;
}
