import type { MiddlewareHandler } from 'hono';
import { MlflowError } from '../errors.ts';
import { reply } from './reply.ts';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Options of `sameOrigin`. */
export interface SameOriginOptions {
  /**
   * Origins besides the request's own that may change state, e.g. `https://tracker.example.com` when a
   * TLS proxy in front makes the tracker see `http://` URLs.
   */
  allowedOrigins?: readonly string[];
}

/**
 * Refuses cross-site state changes (CSRF): a POST, PUT, PATCH or DELETE whose `Sec-Fetch-Site` is
 * `cross-site`, or whose `Origin` is present and is not the tracker's own origin (nor an allowed one),
 * gets 403 `PERMISSION_DENIED`. Requests that carry neither header — API clients, curl, MLflow's Python
 * client — pass, as do reads.
 */
export function sameOrigin(options: SameOriginOptions = {}): MiddlewareHandler {
  const allowed = new Set((options.allowedOrigins ?? []).map((o) => o.replace(/\/+$/, '').toLowerCase()));
  return async (c, next) => {
    if (!STATE_CHANGING.has(c.req.method)) return next();
    const site = c.req.header('sec-fetch-site');
    if (site !== undefined && site.toLowerCase() === 'cross-site') {
      return deny(c, 'Cross-site requests may not change the tracker (Sec-Fetch-Site: cross-site).');
    }
    const origin = c.req.header('origin');
    if (origin !== undefined) {
      const own = new URL(c.req.url).origin.toLowerCase();
      const given = origin.trim().toLowerCase();
      if (given !== own && !allowed.has(given)) {
        return deny(
          c,
          `Requests from origin ${JSON.stringify(origin.slice(0, 200))} may not change the tracker; only ${own} may.`,
        );
      }
    }
    return next();
  };
}

function deny(c: Parameters<MiddlewareHandler>[0], message: string): Response {
  return reply(c, new MlflowError('PERMISSION_DENIED', message).toJSON(), 403);
}
