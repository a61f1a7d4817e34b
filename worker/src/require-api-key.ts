import type { MiddlewareHandler } from 'hono';
import { apiKeyKvKey } from '../../contracts/api-key.ts';
import { EdgeHttpError } from './edge-error.ts';
import { edgeVars, isOn } from './worker-env.ts';

/** How long an isolate trusts what KV said about a key (a revoked key stops working within this). */
export const API_KEY_CACHE_MS = 60_000;
const MAX_CACHED = 1000;

const cache = new Map<string, { ok: boolean; at: number }>();

/**
 * When the `REQUIRE_API_KEY` var is on, a request must carry an API key (`authorization: Bearer <key>`
 * or `x-api-key: <key>`) whose sha256 is stored in `POINTERS` KV under `apikey/<sha256>`
 * (`npm run api-key -- create <name>` puts one there). 401 `api_key_required` / `api_key_invalid`
 * otherwise. Off by default. Answers are cached per isolate for `API_KEY_CACHE_MS`.
 */
export function requireApiKey(): MiddlewareHandler<{ Bindings: Env }> {
  return async (c, next) => {
    if (!isOn(edgeVars(c.env).REQUIRE_API_KEY)) return next();
    const auth = c.req.header('authorization');
    const key = (auth?.match(/^Bearer\s+(.+)$/i)?.[1] ?? c.req.header('x-api-key') ?? '').trim();
    if (!key) {
      c.header('www-authenticate', 'Bearer');
      throw new EdgeHttpError(
        401,
        'api_key_required',
        'this endpoint needs an API key: send "authorization: Bearer <key>" or "x-api-key: <key>"',
      );
    }
    const now = Date.now();
    let known = cache.get(key);
    if (!known || now - known.at >= API_KEY_CACHE_MS) {
      const stored = await c.env.POINTERS.get(await apiKeyKvKey(key), 'text');
      if (cache.size >= MAX_CACHED) cache.clear();
      cache.set(key, (known = { ok: stored !== null, at: now }));
    }
    if (!known.ok) {
      c.header('www-authenticate', 'Bearer error="invalid_token"');
      throw new EdgeHttpError(401, 'api_key_invalid', 'the API key is not valid');
    }
    return next();
  };
}
