import * as z from 'zod/mini';
import { MAX_MODEL_NAME_LENGTH } from './model-name.ts';
import { VersionString } from './model-version.ts';

/** Most input values one event carries. */
export const MAX_EVENT_INPUTS = 4096;

/** Most events one `predictions/log-batch` request carries. */
export const MAX_EVENTS_PER_BATCH = 1000;

/** Which side of a model's pointer answered: its live version, its canary, its shadow, or a version asked for by number. */
export const PredictionArm = z.enum(['live', 'canary', 'shadow', 'pinned']);

/** An arm of a model's traffic. */
export type PredictionArm = z.infer<typeof PredictionArm>;

const finite = z.number().check(z.refine(Number.isFinite, 'must be a finite number'));

/**
 * One prediction as the edge records it: which version of which model answered on which arm, when
 * (epoch ms), the raw input values (in signature order, before preprocessing), what it answered, how
 * long the request took and its HTTP status. A failed request (status ≥ 400) carries no output and may
 * carry no inputs.
 */
export const PredictionEvent = z.object({
  prediction_id: z.string().check(z.minLength(1), z.maxLength(64)),
  model: z.string().check(z.minLength(1), z.maxLength(MAX_MODEL_NAME_LENGTH)),
  version: VersionString,
  arm: PredictionArm,
  time: z.int().check(z.nonnegative()),
  inputs: z.array(finite).check(z.maxLength(MAX_EVENT_INPUTS)),
  output: z.optional(
    z.object({
      /** Class index or regressed value. */
      prediction: finite,
      probability: z.optional(finite),
      label: z.optional(z.string().check(z.maxLength(256))),
    }),
  ),
  latency_ms: finite.check(z.nonnegative()),
  status: z.int().check(z.gte(100), z.lte(599)),
});

/** One recorded prediction. */
export type PredictionEvent = z.infer<typeof PredictionEvent>;

/** The body of `POST /api/2.0/edgeflow/predictions/log-batch`. */
export const PredictionEventBatch = z.object({
  events: z.array(PredictionEvent).check(z.minLength(1), z.maxLength(MAX_EVENTS_PER_BATCH)),
});

/** A batch of recorded predictions. */
export type PredictionEventBatch = z.infer<typeof PredictionEventBatch>;
