import * as z from 'zod/mini';

const finite = z.number().check(z.refine(Number.isFinite, 'must be a finite number'));

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
    inputs: z
      .array(
        z.object({
          name: z.string().check(z.minLength(1)),
          dtype: z.literal('float32'),
        }),
      )
      .check(z.minLength(1)),
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
    /** One valid input, in `inputs` order; used to warm a model before it serves. */
    sample: z.array(finite),
  })
  .check(
    z.refine((s) => s.sample.length === s.inputs.length, {
      message: 'sample must have one value per input',
      path: ['sample'],
    }),
    z.refine(
      (s) => {
        const st = s.preprocess?.standardize;
        return !st || (st.mean.length === s.inputs.length && st.std.length === s.inputs.length);
      },
      { message: 'standardize.mean and .std must have one value per input', path: ['preprocess'] },
    ),
    z.refine((s) => new Set(s.inputs.map((i) => i.name)).size === s.inputs.length, {
      message: 'input names must be unique',
      path: ['inputs'],
    }),
  );

/** A model version's signature. */
export type Signature = z.infer<typeof Signature>;
