import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import type { Hono } from 'hono';
import worker from '../index.ts';

/** Sends a request to the worker as deployed (its default export, real bindings from wrangler.toml). */
export function send(path: string, init?: RequestInit): Promise<Response> {
  return (exports as unknown as { default: Fetcher }).default.fetch(`http://edge${path}`, init);
}

/**
 * Sends a request to the isolate's app (the worker's default export) with some vars (or bindings) overridden
 * (e.g. `POINTER_TTL_MS`, `DEFAULT_MODEL`) and waits for its `waitUntil` work (background model loads) before
 * returning.
 */
export function sendWith(vars: Record<string, unknown>, path: string, init?: RequestInit): Promise<Response> {
  return sendTo(worker, vars, path, init);
}

/** `sendWith` to a given app. */
export async function sendTo(
  app: Pick<Hono<{ Bindings: Env }>, 'fetch'>,
  vars: Record<string, unknown>,
  path: string,
  init?: RequestInit,
): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`http://edge${path}`, init), { ...env, ...vars } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** A JSON POST init. */
export function json(body: unknown): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
