import type { Context, MiddlewareHandler } from 'hono';
import { MlflowError } from '../errors.ts';
import { type AllowedHost, isAllowedHost } from './allowed-hosts.ts';
import { reply } from './reply.ts';

/**
 * The host the request names: its `Host` header; without one, its URL's host (@hono/node-server fills
 * that in with the address it listens on; a request built in-process, `app.request('/path')`, with
 * `localhost`).
 */
export function requestHost(c: Context): string {
  return c.req.header('host') ?? new URL(c.req.url).host;
}

/**
 * Refuses with 403 `PERMISSION_DENIED` every request, reads included, whose host (see `requestHost`) is
 * not in `allowed`. This is what stops DNS rebinding: a foreign page whose name was pointed at the
 * tracker's address sends its own name as the Host.
 */
export function hostCheck(allowed: readonly AllowedHost[]): MiddlewareHandler {
  return async (c, next) => {
    const host = requestHost(c);
    if (isAllowedHost(allowed, host)) return next();
    const error = new MlflowError(
      'PERMISSION_DENIED',
      `This tracker does not answer to the host ${JSON.stringify(host.slice(0, 200))}; add it to EDGEFLOW_ALLOWED_HOSTS if it is the tracker's own name.`,
    );
    return reply(c, error.toJSON(), error.status);
  };
}
