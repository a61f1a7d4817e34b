import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { CLIENT_KEY_HEADER } from './pick-canary.ts';
import { edgeVars } from './worker-env.ts';

const built = new Map<string, MiddlewareHandler>();

/**
 * CORS as the `CORS_ORIGINS` var says: unset or empty → no CORS headers (browsers on other origins are
 * refused); `*` → any origin; otherwise a comma-separated list of allowed origins. Preflights are
 * answered; `x-model-version` and `x-prediction-id` are exposed to scripts.
 */
export function corsFromEnv(): MiddlewareHandler {
  return async (c, next) => {
    const setting = edgeVars(c.env).CORS_ORIGINS?.trim() ?? '';
    if (setting === '') return next();
    let middleware = built.get(setting);
    if (!middleware) {
      const origins = setting
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean);
      middleware = cors({
        origin: origins.includes('*') ? '*' : origins,
        allowMethods: ['GET', 'POST', 'OPTIONS'],
        allowHeaders: ['content-type', 'authorization', 'x-api-key', CLIENT_KEY_HEADER],
        exposeHeaders: ['x-model-version', 'x-prediction-id'],
        maxAge: 86400,
      });
      built.set(setting, middleware);
    }
    return middleware(c, next);
  };
}
