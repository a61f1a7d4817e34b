import type { Context } from 'hono';

const DEFAULT_POINTER_TTL_MS = 2000;

/** `POINTER_TTL_MS` as a number (the default when unset or not a non-negative number). */
export function pointerTtlMs(env: { POINTER_TTL_MS?: string }): number {
  const ttl = Number(env.POINTER_TTL_MS);
  return env.POINTER_TTL_MS !== undefined && env.POINTER_TTL_MS !== '' && ttl >= 0 ? ttl : DEFAULT_POINTER_TTL_MS;
}

/** `MAX_BATCH` as a whole number from 1 to 4096 (the default when unset or out of range). */
export function maxBatch(env: { MAX_BATCH?: string }, fallback: number): number {
  const n = Number(env.MAX_BATCH);
  return env.MAX_BATCH !== undefined && env.MAX_BATCH !== '' && Number.isInteger(n) && n >= 1 && n <= 4096
    ? n
    : fallback;
}

/** The request's `waitUntil`, or a plain fire-and-forget where there is no execution context. */
export function waitUntilOf(c: Context): (promise: Promise<unknown>) => void {
  try {
    const ctx = c.executionCtx;
    return (promise) => ctx.waitUntil(promise);
  } catch {
    return () => {};
  }
}

/**
 * Optional worker vars (not in the generated `Env` until `wrangler.toml` declares them):
 * `CORS_ORIGINS` — `*` or a comma-separated list of origins allowed to call the API from a browser
 * (unset/empty: no CORS headers); `REQUIRE_API_KEY` — `true` to require an API key on every route but the public ones (see `createApp`);
 * `EDGEFLOW_BACKEND` — what runs models (bench and troubleshooting; `auto` is right otherwise);
 * `TRACKER_URL` and the secret `INGEST_TOKEN` — where the events queue's consumer posts prediction events.
 */
export interface EdgeVars {
  CORS_ORIGINS?: string;
  REQUIRE_API_KEY?: string;
  /** `auto` (default), `cpu`, `wasm` or `js`: what runs models (see `tfReady`, `loadModel`). */
  EDGEFLOW_BACKEND?: string;
  /** The tracker's base URL (`https://tracker.example.com`); empty: events wait in the queue. */
  TRACKER_URL?: string;
  /** The tracker's `EDGEFLOW_INGEST_TOKEN` (`wrangler secret put INGEST_TOKEN`). */
  INGEST_TOKEN?: string;
}

/** The optional vars of `env`. */
export function edgeVars(env: unknown): EdgeVars {
  return (env ?? {}) as EdgeVars;
}

/** Whether a var reads as on (`true`, `1`, `yes`, `on`). */
export function isOn(value: string | undefined): boolean {
  return value !== undefined && /^(true|1|yes|on)$/i.test(value.trim());
}
