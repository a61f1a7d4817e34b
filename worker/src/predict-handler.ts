import type { Context } from 'hono';
import type { Prediction } from '../../contracts/index.ts';
import { resolveModel, resolveVersion } from './model-registry.ts';
import { parseInstances } from './parse-instances.ts';
import { readJsonBody } from './read-json-body.ts';
import { pointerTtlMs, waitUntilOf } from './worker-env.ts';
import { shapeOutputs, type PredictionResult } from './shape-output.ts';

/** The answer to a batch (`instances`) request. */
export interface BatchPrediction {
  predictions: PredictionResult[];
  latency_ms: number;
  model: string;
  version: string;
}

/**
 * Answers a predict request for model `name` — the live version from its pointer, or `version` when
 * pinned: reads the JSON body, validates it against the version's signature, runs the model once for all
 * instances and shapes the answer. Sets `x-model-version`.
 */
export async function handlePredict(
  c: Context<{ Bindings: Env }>,
  name: string,
  version?: string,
): Promise<Response> {
  const started = performance.now();
  const body = await readJsonBody(c.req.raw);
  const model =
    version === undefined
      ? await resolveModel(c.env, name, pointerTtlMs(c.env), waitUntilOf(c))
      : await resolveVersion(c.env.MODELS, name, version);
  c.header('x-model-version', model.version);
  const parsed = parseInstances(body, model.spec);
  const results = shapeOutputs(model.signature.output, model.run(parsed.x, parsed.n), parsed.n, model.units);
  const meta = { latency_ms: performance.now() - started, model: name, version: model.version };
  if (parsed.batch) return c.json({ predictions: results, ...meta } satisfies BatchPrediction);
  return c.json({ ...results[0]!, ...meta } satisfies Prediction);
}
