import type { MiddlewareHandler } from 'hono';
import { MlflowError } from '../errors.ts';
import { type AllowedHost, isAllowedHost } from './allowed-hosts.ts';
import { requestHost } from './host-check.ts';
import { reply } from './reply.ts';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Refuses cross-site state changes (CSRF): a POST, PUT, PATCH or DELETE whose `Sec-Fetch-Site` is
 * `cross-site`, or whose `Origin` is present and is not same-origin, gets 403 `PERMISSION_DENIED`. An
 * Origin is same-origin when its host is in `allowed` and is the host the request was sent to (the
 * port included): the page was served by this tracker under one of its own names. The scheme is not
 * compared: behind a TLS proxy the page is `https://` while the tracker sees plain HTTP. Requests that
 * carry neither header — API clients, curl, MLflow's Python client — pass, as do reads (which
 * `hostCheck` guards).
 */
export function sameOrigin(allowed: readonly AllowedHost[]): MiddlewareHandler {
  return async (c, next) => {
    if (!STATE_CHANGING.has(c.req.method)) return next();
    const site = c.req.header('sec-fetch-site');
    if (site !== undefined && site.toLowerCase() === 'cross-site') {
      return deny(c, 'Cross-site requests may not change the tracker (Sec-Fetch-Site: cross-site).');
    }
    const origin = c.req.header('origin');
    if (origin !== undefined) {
      const host = requestHost(c).toLowerCase();
      const given = originHost(origin);
      if (given === undefined || given !== host || !isAllowedHost(allowed, given)) {
        return deny(
          c,
          `Requests from origin ${JSON.stringify(origin.slice(0, 200))} may not change the tracker; only pages of ${JSON.stringify(host.slice(0, 200))} may.`,
        );
      }
    }
    return next();
  };
}

/** The `host` of an http(s) Origin (port included unless the scheme's default), else undefined. */
function originHost(origin: string): string | undefined {
  if (!URL.canParse(origin.trim())) return undefined;
  const url = new URL(origin.trim());
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.host : undefined;
}

function deny(c: Parameters<MiddlewareHandler>[0], message: string): Response {
  return reply(c, new MlflowError('PERMISSION_DENIED', message).toJSON(), 403);
}
