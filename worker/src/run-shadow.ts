import type { LoadedModel } from './load-model.ts';
import { recordShadow } from './metrics.ts';
import { parseInstances } from './parse-instances.ts';
import { shapeOutputs } from './shape-output.ts';

/**
 * Runs a shadow version on a request body that the live version already answered, after yielding to
 * the event loop (so the answer goes out first), and discards the result. The body is validated against
 * the shadow's own signature; whatever goes wrong is counted in `/metrics` (`outcome="error"`) and
 * logged once per version, never surfaced.
 */
export async function runShadow(model: string, shadow: LoadedModel, body: unknown): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  try {
    const parsed = parseInstances(body, shadow.spec);
    shapeOutputs(shadow.signature.output, await shadow.run(parsed.x, parsed.n), parsed.n, shadow.units);
    recordShadow(model, shadow.version, 'ok');
  } catch (error) {
    recordShadow(model, shadow.version, 'error');
    const key = `${model}@${shadow.version}`;
    if (!logged.has(key)) {
      logged.add(key);
      console.warn(
        `edgeflow: shadow version ${shadow.version} of "${model}" failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

const logged = new Set<string>();
