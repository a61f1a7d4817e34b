import type { MiddlewareHandler } from 'hono';
import { MAX_BODY_BYTES, payloadTooLarge } from './read-json-body.ts';

/**
 * Refuses (413 `payload_too_large`) a request whose Content-Length declares more than `limit` bytes, before
 * anything else runs for it (API-key look-up, model resolution): its body is never read, and workerd answers
 * and closes the connection instead of taking the rest in. A body without Content-Length is bounded while it
 * is read (`readJsonBody`).
 */
export function refuseOversizeBody(limit = MAX_BODY_BYTES): MiddlewareHandler {
  return async (c, next) => {
    const declared = c.req.header('content-length');
    if (declared !== undefined && Number(declared) > limit) throw payloadTooLarge(limit);
    return next();
  };
}
