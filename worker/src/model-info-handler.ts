import type { Context } from 'hono';
import type { Signature } from '../../contracts/index.ts';
import type { ModelRegistry } from './model-registry.ts';
import { pointerTtlMs, waitUntilOf } from './worker-env.ts';

/** The body of `GET /v1/models/:name`. */
export interface ModelInfo {
  model: string;
  /** The version the pointer names. */
  live: string;
  /** The version answering in this isolate (differs from `live` while it loads or if it failed). */
  serving: string;
  previous?: string;
  canary?: { version: string; weight: number };
  shadow?: { version: string };
  promotedAt: string;
  /** The serving version's signature. */
  signature: Signature;
}

/** `GET /v1/models/:name`: the live version, what serves, and its signature (same errors as predict). */
export async function handleModelInfo(c: Context<{ Bindings: Env }>, registry: ModelRegistry): Promise<Response> {
  const name = c.req.param('name') ?? '';
  const ttl = pointerTtlMs(c.env);
  const model = await registry.resolveModel(c.env, name, ttl, waitUntilOf(c));
  const { pointer } = await registry.readPointer(c.env.POINTERS, name, ttl);
  c.header('x-model-version', model.version);
  const info: ModelInfo = {
    model: name,
    live: pointer!.version,
    serving: model.version,
    ...(pointer!.previous ? { previous: pointer!.previous } : {}),
    ...(pointer!.canary ? { canary: pointer!.canary } : {}),
    ...(pointer!.shadow ? { shadow: pointer!.shadow } : {}),
    promotedAt: pointer!.promotedAt,
    signature: model.signature,
  };
  return c.json(info);
}
