import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * Replies with JSON the way MLflow's server writes it: non-finite numbers (metric values) as the
 * strings "NaN", "Infinity" and "-Infinity", which protobuf's JSON mapping and MLflow clients read.
 */
export function reply(c: Context, body: unknown, status: ContentfulStatusCode = 200): Response {
  return c.body(JSON.stringify(body, nonFinite), status, { 'content-type': 'application/json' });
}

function nonFinite(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}
