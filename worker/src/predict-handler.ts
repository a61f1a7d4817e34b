import type { Context } from 'hono';
import type { Prediction, PredictionArm } from '../../contracts/index.ts';
import { EdgeHttpError } from './edge-error.ts';
import type { LoadedModel } from './load-model.ts';
import { recordInvalidOutput, recordPredict } from './metrics.ts';
import type { ModelRegistry } from './model-registry.ts';
import { MAX_BATCH, parseInstances } from './parse-instances.ts';
import { CLIENT_KEY_HEADER } from './pick-canary.ts';
import { sampleRate, sendEvents } from './prediction-events.ts';
import { readJsonBody } from './read-json-body.ts';
import { runShadow } from './run-shadow.ts';
import { type PredictionResult, shapeOutputs } from './shape-output.ts';
import { maxBatch, pointerTtlMs, waitUntilOf } from './worker-env.ts';

/** The header naming an answer's prediction ids (a batch: comma-separated, in instance order). */
export const PREDICTION_ID_HEADER = 'x-prediction-id';

/** The answer to a batch (`instances`) request. */
export interface BatchPrediction {
  predictions: Array<PredictionResult & { prediction_id: string }>;
  latency_ms: number;
  model: string;
  version: string;
}

/**
 * Answers a predict request for model `name` — the live version from its pointer (or its canary, see
 * `ModelRegistry.resolveRoute`), or `version` when pinned: reads the JSON body, validates it against the version's
 * signature, runs the model once for all instances and shapes the answer, each instance with a random
 * `prediction_id` (also in `x-prediction-id`). Sets `x-model-version`; runs the pointer's shadow version in
 * the background. Every request is counted in `/metrics` (a model output that is not finite is a 500
 * `invalid_output`, counted apart). Predictions, the shadow's too, and failures of a known version are
 * sent to the `EVENTS` queue after the answer, sampled by `MONITOR_SAMPLE_RATE` (see `sendEvents`).
 */
export async function handlePredict(
  c: Context<{ Bindings: Env }>,
  registry: ModelRegistry,
  name: string,
  version?: string,
): Promise<Response> {
  const started = performance.now();
  const time = Date.now();
  const rate = c.env.EVENTS ? sampleRate(c.env) : 0;
  let served = '';
  let arm: PredictionArm = version === undefined ? 'live' : 'pinned';
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
      if (route.canary) arm = 'canary';
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
    const ids = Array.from({ length: parsed.n }, () => crypto.randomUUID());
    c.header(PREDICTION_ID_HEADER, ids.join(', '));
    if (shadow) {
      const run = runShadow(name, shadow, body);
      waitUntilOf(c)(
        rate > 0
          ? run.then((done) => {
              if (!done) return;
              const shadowIds = ids.map(() => crypto.randomUUID());
              const answered = { ...done, model: name, version: shadow.version, arm: 'shadow' as const };
              return sendEvents(c.env.EVENTS, rate, {
                ...answered,
                time,
                status: 200,
                body,
                spec: shadow.spec,
                ids: shadowIds,
              });
            })
          : run,
      );
    }
    const latency_ms = performance.now() - started;
    recordPredict(name, served, 200, latency_ms / 1000);
    if (rate > 0) {
      const answered = { model: name, version: served, arm, time, latency_ms, status: 200 };
      waitUntilOf(c)(sendEvents(c.env.EVENTS, rate, { ...answered, body, spec: model.spec, ids, results }));
    }
    const meta = { latency_ms, model: name, version: served };
    if (parsed.batch) {
      const predictions = results.map((result, i) => ({ prediction_id: ids[i]!, ...result }));
      return c.json({ predictions, ...meta } satisfies BatchPrediction);
    }
    return c.json({ prediction_id: ids[0]!, ...results[0]!, ...meta } satisfies Prediction);
  } catch (error) {
    if (error instanceof EdgeHttpError && error.code === 'invalid_output') recordInvalidOutput(name, served);
    const status = error instanceof EdgeHttpError ? error.status : 500;
    const latency_ms = performance.now() - started;
    recordPredict(name, served, status, latency_ms / 1000);
    if (rate > 0 && served !== '') {
      const answered = { model: name, version: served, arm, time, latency_ms, status };
      waitUntilOf(c)(sendEvents(c.env.EVENTS, rate, { ...answered, ids: [crypto.randomUUID()] }));
    }
    throw error;
  }
}
