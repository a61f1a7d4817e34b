import type { Context } from 'hono';
import type { Prediction } from '../../contracts/index.ts';
import { EdgeHttpError } from './edge-error.ts';
import type { LoadedModel } from './load-model.ts';
import { recordInvalidOutput, recordPredict } from './metrics.ts';
import type { ModelRegistry } from './model-registry.ts';
import { MAX_BATCH, parseInstances } from './parse-instances.ts';
import { CLIENT_KEY_HEADER } from './pick-canary.ts';
import { readJsonBody } from './read-json-body.ts';
import { runShadow } from './run-shadow.ts';
import { type PredictionResult, shapeOutputs } from './shape-output.ts';
import { maxBatch, pointerTtlMs, waitUntilOf } from './worker-env.ts';

/** The answer to a batch (`instances`) request. */
export interface BatchPrediction {
  predictions: PredictionResult[];
  latency_ms: number;
  model: string;
  version: string;
}

/**
 * Answers a predict request for model `name` — the live version from its pointer (or its canary, see
 * `ModelRegistry.resolveRoute`), or `version` when pinned: reads the JSON body, validates it against the version's
 * signature, runs the model once for all instances and shapes the answer. Sets `x-model-version`; runs
 * the pointer's shadow version in the background. Every request is counted in `/metrics` (a model output
 * that is not finite is a 500 `invalid_output`, counted apart).
 */
export async function handlePredict(
  c: Context<{ Bindings: Env }>,
  registry: ModelRegistry,
  name: string,
  version?: string,
): Promise<Response> {
  const started = performance.now();
  let served = '';
  try {
    const body = await readJsonBody(c.req.raw);
    let model: LoadedModel;
    let shadow: LoadedModel | undefined;
    if (version === undefined) {
      const waitUntil = waitUntilOf(c);
      const ttl = pointerTtlMs(c.env);
      const route = await registry.resolveRoute(c.env, name, ttl, waitUntil, c.req.header(CLIENT_KEY_HEADER));
      model = route.model;
      shadow = route.shadow;
    } else {
      model = await registry.resolveVersion(c.env.MODELS, name, version);
    }
    served = model.version;
    c.header('x-model-version', served);
    const parsed = parseInstances(body, model.spec, maxBatch(c.env, MAX_BATCH));
    const y = model.run(parsed.x, parsed.n);
    const results = shapeOutputs(
      model.signature.output,
      y instanceof Float32Array ? y : await y,
      parsed.n,
      model.units,
    );
    if (shadow) waitUntilOf(c)(runShadow(name, shadow, body));
    const latency_ms = performance.now() - started;
    recordPredict(name, served, 200, latency_ms / 1000);
    const meta = { latency_ms, model: name, version: served };
    if (parsed.batch) return c.json({ predictions: results, ...meta } satisfies BatchPrediction);
    return c.json({ ...results[0]!, ...meta } satisfies Prediction);
  } catch (error) {
    if (error instanceof EdgeHttpError && error.code === 'invalid_output') recordInvalidOutput(name, served);
    recordPredict(
      name,
      served,
      error instanceof EdgeHttpError ? error.status : 500,
      (performance.now() - started) / 1000,
    );
    throw error;
  }
}
