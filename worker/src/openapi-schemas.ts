import * as z from 'zod/mini';
import { Prediction, Signature } from '../../contracts/index.ts';
import { MAX_BATCH } from './parse-instances.ts';

// a number for a numeric input, a category (string) for a categorical one, null for a missing value
const cell = z.union([z.number(), z.string(), z.null()]);
const row = z.union([z.array(cell), z.record(z.string(), cell)]);

/**
 * The body of a predict request, for documentation (`/openapi.json`); the hot path validates with the
 * hand-written `parseInstances` against the version's signature, which is stricter (length, names, finite).
 */
export const PredictRequest = z.union([
  z.object({ features: z.array(cell) }),
  z.object({ inputs: z.record(z.string(), cell) }),
  z.object({ instances: z.array(row).check(z.minLength(1), z.maxLength(MAX_BATCH)) }),
]);

const Result = z.object({
  prediction_id: z.string(),
  prediction: z.number(),
  probability: z.optional(z.number()),
  confidence: z.optional(z.enum(['high', 'medium', 'low'])),
  label: z.optional(z.string()),
});

/** The answer to a batch (`instances`) request. */
export const BatchPredictionSchema = z.object({
  predictions: z.array(Result),
  latency_ms: z.number(),
  model: z.string(),
  version: z.string(),
});

/** The body of `GET /v1/models/:name`. */
export const ModelInfoSchema = z.object({
  model: z.string(),
  live: z.string(),
  serving: z.string(),
  previous: z.optional(z.string()),
  canary: z.optional(z.object({ version: z.string(), weight: z.number() })),
  shadow: z.optional(z.object({ version: z.string() })),
  promotedAt: z.string(),
  signature: Signature,
});

/** The answer of `POST /feedback` (see `FeedbackAccepted`). */
export const FeedbackAcceptedSchema = z.object({ accepted: z.number(), queued: z.number() });

/** The body of `GET /health` (public). */
export const PublicHealthSchema = z.object({ status: z.enum(['ok', 'degraded', 'unavailable']) });

/** The body of `GET /health/details`. */
export const HealthSchema = z.object({
  status: z.enum(['ok', 'degraded', 'unavailable']),
  model: z.string(),
  version: z.nullable(z.string()),
  loaded: z.boolean(),
  live: z.nullable(z.string()),
  lastError: z.optional(z.string()),
});

export { Prediction };
