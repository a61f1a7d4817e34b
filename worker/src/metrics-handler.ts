import type { Context } from 'hono';
import { labelValue, renderMetrics } from './metrics.ts';
import type { ModelRegistry } from './model-registry.ts';

/** `GET /metrics`: this isolate's counters and what `registry` holds loaded, in the Prometheus text format. */
export function handleMetrics(c: Context, registry: ModelRegistry): Response {
  const snapshot = registry.snapshot();
  const body = renderMetrics({
    edgeflow_model_serving: {
      help: 'The version serving each model in this isolate (1).',
      rows: snapshot.serving.map((s) => [`model="${labelValue(s.name)}",version="${labelValue(s.version)}"`, 1]),
    },
    edgeflow_model_loaded_bytes: {
      help: 'Weight bytes of each loaded version, by backend.',
      rows: snapshot.loaded.map((m) => [
        `model="${labelValue(m.name)}",version="${labelValue(m.version)}",backend="${labelValue(m.backend)}"`,
        m.bytes,
      ]),
    },
  });
  return c.body(body, 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
}
