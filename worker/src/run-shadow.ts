import type { LoadedModel } from './load-model.ts';
import { recordShadow } from './metrics.ts';
import { parseInstances } from './parse-instances.ts';
import { type PredictionResult, shapeOutputs } from './shape-output.ts';

/** What a shadow run gave: one result per instance and how long it took. */
export interface ShadowRun {
  results: PredictionResult[];
  latency_ms: number;
}

/**
 * Runs a shadow version on a request body that the live version already answered, after yielding to
 * the event loop (so the answer goes out first); its results never reach the client (they are answered
 * here, for the prediction events). The body is validated against the shadow's own signature; whatever
 * goes wrong is counted in `/metrics` (`outcome="error"`) and logged once per version, never surfaced
 * (the answer is then undefined).
 */
export async function runShadow(model: string, shadow: LoadedModel, body: unknown): Promise<ShadowRun | undefined> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  const started = performance.now();
  try {
    const parsed = parseInstances(body, shadow.spec);
    const y = await shadow.run(parsed.x, parsed.n);
    const results = shapeOutputs(shadow.signature.output, y, parsed.n, shadow.units);
    recordShadow(model, shadow.version, 'ok');
    return { results, latency_ms: performance.now() - started };
  } catch (error) {
    recordShadow(model, shadow.version, 'error');
    const key = `${model}@${shadow.version}`;
    if (!logged.has(key)) {
      logged.add(key);
      console.warn(
        `edgeflow: shadow version ${shadow.version} of "${model}" failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return undefined;
  }
}

const logged = new Set<string>();
