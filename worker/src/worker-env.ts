import type { Context } from 'hono';

const DEFAULT_POINTER_TTL_MS = 2000;

/** `POINTER_TTL_MS` as a number (the default when unset or not a non-negative number). */
export function pointerTtlMs(env: { POINTER_TTL_MS?: string }): number {
  const ttl = Number(env.POINTER_TTL_MS);
  return env.POINTER_TTL_MS !== undefined && env.POINTER_TTL_MS !== '' && ttl >= 0 ? ttl : DEFAULT_POINTER_TTL_MS;
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
