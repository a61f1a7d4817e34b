import * as z from 'zod/mini';
import { MAX_EVENT_INPUTS } from './prediction-event.ts';

/** Bins a numeric column's reference histogram has at most: its deciles. */
export const REFERENCE_BINS = 10;

/**
 * Most values a column's reference sample keeps: every row up to Evidently's KS boundary (1,000 rows),
 * and enough above it that the Wasserstein distance's sampling noise stays well under its threshold.
 */
export const MAX_REFERENCE_SAMPLE = 5000;

/** Most distinct values a categorical column lists. */
export const MAX_CATEGORIES = 100;

const finite = z.number().check(z.refine(Number.isFinite, 'must be a finite number'));
const count = z.int().check(z.nonnegative());

const increasing = (xs: number[]) => xs.every((x, i) => i === 0 || x > xs[i - 1]!);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/**
 * A numeric column's distribution: the inner `edges` of its histogram (strictly increasing; bin i holds
 * the values x with edges[i-1] ≤ x < edges[i], the outer bins are open-ended), the `counts` per bin,
 * its moments (std is the population's, ddof 0), range, and a sample of at most
 * `MAX_REFERENCE_SAMPLE` of its values.
 */
export const NumericColumn = z
  .object({
    name: z.string().check(z.minLength(1), z.maxLength(256)),
    kind: z.literal('numeric'),
    count: count.check(z.positive()),
    edges: z.array(finite).check(z.minLength(1), z.maxLength(MAX_CATEGORIES), z.refine(increasing, 'must increase')),
    counts: z.array(count),
    mean: finite,
    std: finite.check(z.nonnegative()),
    min: finite,
    max: finite,
    sample: z.array(finite).check(z.minLength(1), z.maxLength(MAX_REFERENCE_SAMPLE)),
  })
  .check(
    z.refine((c) => c.counts.length === c.edges.length + 1, {
      message: 'counts must have one bin more than edges',
      path: ['counts'],
    }),
    z.refine((c) => sum(c.counts) === c.count, { message: 'counts must add up to count', path: ['counts'] }),
  );

/**
 * A categorical column's distribution: its distinct values and how often each occurs, one more count
 * at the end for any other value.
 */
export const CategoricalColumn = z
  .object({
    name: z.string().check(z.minLength(1), z.maxLength(256)),
    kind: z.literal('categorical'),
    count: count.check(z.positive()),
    categories: z.array(finite).check(
      z.minLength(1),
      z.maxLength(MAX_CATEGORIES),
      z.refine((xs) => new Set(xs).size === xs.length, 'must be distinct'),
    ),
    counts: z.array(count),
  })
  .check(
    z.refine((c) => c.counts.length === c.categories.length + 1, {
      message: 'counts must have one entry per category and one for any other value',
      path: ['counts'],
    }),
    z.refine((c) => sum(c.counts) === c.count, { message: 'counts must add up to count', path: ['counts'] }),
  );

/** One column of a reference profile. */
export const ReferenceColumn = z.discriminatedUnion('kind', [NumericColumn, CategoricalColumn]);

/** One column of a reference profile. */
export type ReferenceColumn = z.infer<typeof ReferenceColumn>;

/**
 * `reference.json`, stored beside a version's `signature.json`: the distribution of every input (in
 * signature order, on the raw values before preprocessing) in the training data, and of the model's
 * output on validation data (`field`: which output value of a prediction event it describes).
 * `source` says where it came from: the training data, or the first events a version served.
 */
export const ReferenceProfile = z.object({
  source: z.enum(['training', 'live']),
  features: z.array(ReferenceColumn).check(z.minLength(1), z.maxLength(MAX_EVENT_INPUTS)),
  output: z.object({ field: z.enum(['probability', 'prediction']), column: ReferenceColumn }),
});

/** A version's reference profile. */
export type ReferenceProfile = z.infer<typeof ReferenceProfile>;
