import * as z from 'zod/mini';

/** The answer of `POST /predict` for one input. */
export const Prediction = z.object({
  /** A random id of this answer (also the `x-prediction-id` header): what its prediction event and later labels are keyed by. */
  prediction_id: z.string(),
  /** Class index (binary/multiclass) or the regressed value. */
  prediction: z.number(),
  /** Probability of the positive class (binary) or of the predicted class (multiclass). */
  probability: z.optional(z.number()),
  confidence: z.optional(z.enum(['high', 'medium', 'low'])),
  label: z.optional(z.string()),
  latency_ms: z.number(),
  model: z.string(),
  version: z.string(),
});

/** One prediction as the worker returns it. */
export type Prediction = z.infer<typeof Prediction>;

/** The error body of every worker 4xx/5xx. */
export const EdgeError = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});

/** A worker error body. */
export type EdgeError = z.infer<typeof EdgeError>;
