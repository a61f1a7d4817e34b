import type { Context } from 'hono';
import { EdgeHttpError } from './edge-error.ts';
import type { ModelRegistry } from './model-registry.ts';
import { pointerTtlMs, waitUntilOf } from './worker-env.ts';

/** The body of `GET /health/details`. */
export interface Health {
  /** ok: the live version serves; degraded: an older version serves (the live one is loading or failed); unavailable: nothing serves. */
  status: 'ok' | 'degraded' | 'unavailable';
  model: string;
  /** The version loaded and answering, or null. */
  version: string | null;
  loaded: boolean;
  /** The version the KV pointer names, or null. */
  live: string | null;
  lastError?: string;
}

/** The body of `GET /health`: the status alone. */
export interface PublicHealth {
  status: Health['status'];
}

/**
 * `GET /health/details` for `DEFAULT_MODEL`: resolves the model like a predict request would (so it loads a
 * cold isolate) and reports what serves, the version the pointer names and why they differ. 200 while some
 * version serves, 503 otherwise.
 */
export async function handleHealthDetails(c: Context<{ Bindings: Env }>, registry: ModelRegistry): Promise<Response> {
  const health = await healthOf(c, registry);
  return c.json(health, health.loaded ? 200 : 503);
}

/**
 * `GET /health`, public: the status of `DEFAULT_MODEL` as `/health/details` finds it, and nothing else (no
 * model name, versions or error texts, not even when KV cannot be read). 200 while some version serves, 503
 * otherwise.
 */
export async function handleHealth(c: Context<{ Bindings: Env }>, registry: ModelRegistry): Promise<Response> {
  let health: Pick<Health, 'status' | 'loaded'>;
  try {
    health = await healthOf(c, registry);
  } catch (error) {
    if (!(error instanceof EdgeHttpError)) throw error;
    health = { status: 'unavailable', loaded: false };
  }
  return c.json({ status: health.status } satisfies PublicHealth, health.loaded ? 200 : 503);
}

async function healthOf(c: Context<{ Bindings: Env }>, registry: ModelRegistry): Promise<Health> {
  const name = c.env.DEFAULT_MODEL;
  const ttl = pointerTtlMs(c.env);
  let problem: string | undefined;
  try {
    await registry.resolveModel(c.env, name, ttl, waitUntilOf(c));
  } catch (error) {
    if (!(error instanceof EdgeHttpError)) throw error;
    problem = error.message;
  }
  const pointer = await registry.readPointer(c.env.POINTERS, name, ttl);
  const live = pointer.pointer?.version ?? null;
  const { serving, failure } = registry.modelHealth(name, live ?? undefined);
  const lastError = failure
    ? `version ${failure.version} failed to load at ${new Date(failure.at).toISOString()}: ${failure.message}`
    : pointer.invalid
      ? `the KV pointer is invalid: ${pointer.invalid}`
      : problem;
  return {
    status: !serving ? 'unavailable' : serving.version === live && !lastError ? 'ok' : 'degraded',
    model: name,
    version: serving?.version ?? null,
    loaded: serving !== undefined,
    live,
    ...(lastError ? { lastError } : {}),
  };
}
