import type { MiddlewareHandler } from 'hono';
import { API_KEY_KV_PREFIX, hashApiKey } from '../../contracts/api-key.ts';
import { EdgeHttpError } from './edge-error.ts';
import { ExpiringSet } from './expiring-set.ts';
import { FailedAttempts } from './failed-attempts.ts';
import { edgeVars, isOn } from './worker-env.ts';

/** How long an isolate trusts a key KV holds (a revoked key stops working within this). */
export const API_KEY_CACHE_MS = 60_000;
/** How long an isolate trusts that KV does not hold a key (a key created just now is refused at most this long). */
export const UNKNOWN_API_KEY_CACHE_MS = 10_000;
/** Wrong keys a client may send per `FAILED_ATTEMPTS_WINDOW_MS` before it gets 429s. */
export const MAX_FAILED_ATTEMPTS = 10;
/** The window `MAX_FAILED_ATTEMPTS` counts in (from a client's first failure). */
export const FAILED_ATTEMPTS_WINDOW_MS = 60_000;
const MAX_CACHED_KEYS = 1000;
const MAX_CACHED_UNKNOWN_KEYS = 10_000;
const MAX_TRACKED_CLIENTS = 10_000;

/**
 * When the `REQUIRE_API_KEY` var is on, a request must carry an API key (`authorization: Bearer <key>`
 * or `x-api-key: <key>`) whose sha256 is stored in `POINTERS` KV under `apikey/<sha256>`
 * (`npm run api-key -- create <name>` puts one there): 401 `api_key_required` / `api_key_invalid`
 * otherwise. Off by default.
 *
 * Keys are looked up by their sha256, so no secret is compared and the isolate keeps no key, only hashes:
 * a stored key is trusted for `API_KEY_CACHE_MS`, a key KV does not hold is refused without reading KV
 * for `UNKNOWN_API_KEY_CACHE_MS` (each in its own bounded set, so a flood of wrong keys never pushes out
 * good ones). A client (`cf-connecting-ip`) that sends `MAX_FAILED_ATTEMPTS` wrong keys within
 * `FAILED_ATTEMPTS_WINDOW_MS` gets 429 `too_many_attempts` with `retry-after` for the rest of that window,
 * without a KV read; a key the isolate already trusts still passes. The state is the middleware's own
 * (one per app, so one per isolate); `now` is its clock.
 */
export function requireApiKey(now: () => number = Date.now): MiddlewareHandler<{ Bindings: Env }> {
  const stored = new ExpiringSet(API_KEY_CACHE_MS, MAX_CACHED_KEYS, now);
  const unknown = new ExpiringSet(UNKNOWN_API_KEY_CACHE_MS, MAX_CACHED_UNKNOWN_KEYS, now);
  const failures = new FailedAttempts(MAX_FAILED_ATTEMPTS, FAILED_ATTEMPTS_WINDOW_MS, MAX_TRACKED_CLIENTS, now);
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
    const hash = await hashApiKey(key);
    if (stored.has(hash)) return next();
    const client = c.req.header('cf-connecting-ip') ?? '';
    const blockedMs = failures.blockedForMs(client);
    if (blockedMs > 0) {
      c.header('retry-after', String(Math.ceil(blockedMs / 1000)));
      throw new EdgeHttpError(429, 'too_many_attempts', 'too many wrong API keys from this address; retry later');
    }
    if (!unknown.has(hash)) {
      if ((await c.env.POINTERS.get(API_KEY_KV_PREFIX + hash, 'text')) !== null) {
        stored.add(hash);
        return next();
      }
      unknown.add(hash);
    }
    failures.record(client);
    c.header('www-authenticate', 'Bearer error="invalid_token"');
    throw new EdgeHttpError(401, 'api_key_invalid', 'the API key is not valid');
  };
}
