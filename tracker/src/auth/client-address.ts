import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

/**
 * The address the request came from, for rate limits: the socket's peer under @hono/node-server, or,
 * with `trustProxy` (a reverse proxy in front that appends the client to `X-Forwarded-For`), that
 * header's last entry. `local` for a request built in-process.
 */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded.slice(0, 100);
  }
  return (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket?.remoteAddress ?? 'local';
}
