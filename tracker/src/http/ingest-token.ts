import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { MlflowError } from '../errors.ts';
import { reply } from './reply.ts';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Admits a request whose `Authorization: Bearer …` is `token` (compared in constant time). With no token
 * configured the endpoint is off: 403 `PERMISSION_DENIED` saying so; a missing or wrong token is 401
 * `UNAUTHENTICATED`.
 */
export function requireIngestToken(token: string | undefined): MiddlewareHandler {
  const expected = token ? digest(token) : undefined;
  return async (c, next) => {
    if (!expected) {
      const message =
        'Prediction ingest is off: set EDGEFLOW_INGEST_TOKEN on the tracker (and INGEST_TOKEN on the worker).';
      return reply(c, new MlflowError('PERMISSION_DENIED', message).toJSON(), 403);
    }
    const given = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      const message = 'Prediction ingest needs the ingest token as "Authorization: Bearer <EDGEFLOW_INGEST_TOKEN>".';
      return reply(c, new MlflowError('UNAUTHENTICATED', message).toJSON(), 401);
    }
    await next();
  };
}
