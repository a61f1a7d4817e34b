import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { type Pointer, pointerKey } from '../../contracts/index.ts';
import { EdgeHttpError } from './edge-error.ts';
import { PointerCache } from './pointer-cache.ts';
import { manualClock } from './testing/manual-clock.ts';
import { uniqueModel } from './testing/seed-version.ts';

function pointer(model: string, version: string): Pointer {
  return {
    model,
    version,
    artifacts: `models/${model}/${version}/`,
    modelJsonSha256: 'a'.repeat(64),
    promotedAt: '2026-11-26T12:00:00Z',
  };
}

describe('PointerCache', () => {
  const clock = manualClock();
  const cache = new PointerCache(clock.now);

  it('trusts its cached copy for the TTL, then rereads KV', async () => {
    const model = uniqueModel();
    expect(await cache.read(env.POINTERS, model, 80)).toEqual({ pointer: null });
    await env.POINTERS.put(pointerKey(model), JSON.stringify(pointer(model, '1')));
    clock.advance(79);
    expect((await cache.read(env.POINTERS, model, 80)).pointer).toBeNull();
    clock.advance(1);
    expect((await cache.read(env.POINTERS, model, 80)).pointer?.version).toBe('1');
  });

  it.each([
    ['not JSON', '{', 'the KV value is not JSON'],
    [
      'a bad field',
      (m: string) => JSON.stringify({ ...pointer(m, '2'), artifacts: 'x' }),
      'artifacts: artifacts must end with /',
    ],
    ['another model', () => JSON.stringify(pointer('other', '2')), 'the pointer names model "other"'],
  ])('keeps the last good pointer when the value is %s', async (_, value, invalid) => {
    const model = uniqueModel();
    await env.POINTERS.put(pointerKey(model), JSON.stringify(pointer(model, '1')));
    expect((await cache.read(env.POINTERS, model, 0)).pointer?.version).toBe('1');
    await env.POINTERS.put(pointerKey(model), typeof value === 'string' ? value : value(model));
    const state = await cache.read(env.POINTERS, model, 0);
    expect(state.pointer?.version).toBe('1');
    expect(state.invalid).toBe(invalid);
  });

  it('answers concurrent callers without sharing a read between them, then serves the cached copy', async () => {
    const model = uniqueModel();
    await env.POINTERS.put(pointerKey(model), JSON.stringify(pointer(model, '4')));
    let reads = 0;
    const counting = {
      get: (key: string, type: 'text') => (reads++, env.POINTERS.get(key, type)),
    } as unknown as KVNamespace;
    const states = await Promise.all(Array.from({ length: 5 }, () => cache.read(counting, model, 1000)));
    expect(states.map((s) => s.pointer?.version)).toEqual(['4', '4', '4', '4', '4']);
    // each cold caller reads for itself (a read owned by another request may be cancelled with it) ...
    expect(reads).toBe(5);
    // ... and within the TTL nobody reads again
    await Promise.all(Array.from({ length: 5 }, () => cache.read(counting, model, 1000)));
    expect(reads).toBe(5);
  });

  it('keeps the cached pointer through a KV outage, and 503s with nothing cached', async () => {
    const model = uniqueModel();
    await env.POINTERS.put(pointerKey(model), JSON.stringify(pointer(model, '1')));
    await cache.read(env.POINTERS, model, 0);
    const down = { get: () => Promise.reject(new Error('KV is down')) } as unknown as KVNamespace;
    expect((await cache.read(down, model, 0)).pointer?.version).toBe('1');
    const error = await cache.read(down, uniqueModel(), 0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EdgeHttpError);
    expect((error as EdgeHttpError).status).toBe(503);
  });
});
