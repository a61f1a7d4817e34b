import type { Context } from 'hono';
import { MlflowError } from '../errors.ts';
import { reply } from '../http/reply.ts';

/**
 * 401 `UNAUTHENTICATED` with `WWW-Authenticate: Basic realm="mlflow"`, as MLflow's basic-auth app
 * answers (its body is MLflow's `{error_code, message}` here). The header is left out for the
 * dashboard's own requests (`Sec-Fetch-Site: same-origin`), so the browser shows the sign-in page
 * instead of its Basic prompt.
 */
export function unauthenticated(c: Context, message: string): Response {
  const res = reply(c, new MlflowError('UNAUTHENTICATED', message).toJSON(), 401);
  if (c.req.header('sec-fetch-site')?.toLowerCase() !== 'same-origin') {
    res.headers.set('www-authenticate', 'Basic realm="mlflow"');
  }
  return res;
}

/** 403 `PERMISSION_DENIED`. */
export function permissionDenied(c: Context, message: string): Response {
  return reply(c, new MlflowError('PERMISSION_DENIED', message).toJSON(), 403);
}

/** 429 `REQUEST_LIMIT_EXCEEDED` with `Retry-After` in whole seconds. */
export function tooManyRequests(c: Context, waitMs: number, message: string): Response {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  const res = reply(c, new MlflowError('REQUEST_LIMIT_EXCEEDED', `${message} Retry in ${seconds} s.`).toJSON(), 429);
  res.headers.set('retry-after', String(seconds));
  return res;
}
