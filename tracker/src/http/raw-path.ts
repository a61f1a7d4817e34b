import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { invalid } from '../errors.ts';
import { reply } from './reply.ts';

/**
 * The request's path as the client sent it. URL parsing resolves `.` and `..` segments, percent-encoded
 * ones too (`a/%2e%2e/b` becomes `b`), before any route sees the URL; under @hono/node-server the
 * request target is still there, on the Node request. A request built in-process has only its
 * parsed URL.
 */
export function rawPath(c: Context): string {
  const target = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.url;
  if (target === undefined) return new URL(c.req.url).pathname;
  // An absolute-form target (`http://host/path`) names the path after the authority.
  const path = target.replace(/^[a-z][a-z\d+.-]*:\/\/[^/?#]*/i, '');
  return path.split(/[?#]/, 1)[0]!;
}

/**
 * Refuses with 400 INVALID_PARAMETER_VALUE a request whose path, as sent, has a `.` or `..` segment,
 * plain or percent-encoded: no tracker URL has one, and resolving them would let a path name another.
 */
export function refuseDotSegments(): MiddlewareHandler {
  return async (c, next) => {
    const path = rawPath(c);
    const dotted = path.split('/').some((segment) => /^(\.|%2e){1,2}$/i.test(segment));
    if (!dotted) return next();
    const error = invalid(`Invalid request path '${path.slice(0, 500)}': '.' and '..' segments are not allowed.`);
    return reply(c, error.toJSON(), error.status);
  };
}
