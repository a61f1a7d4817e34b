import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { API_KEY_KV_PREFIX, apiKeyKvKey, createApiKey, hashApiKey, revokeApiKey } from '../../contracts/api-key.ts';
import type { EdgeError } from '../../contracts/index.ts';
import type { ModelInfo } from './model-info-handler.ts';
import {
  API_KEY_CACHE_MS,
  FAILED_ATTEMPTS_WINDOW_MS,
  MAX_FAILED_ATTEMPTS,
  UNKNOWN_API_KEY_CACHE_MS,
} from './require-api-key.ts';
import { type EdgeUnderTest, edgeUnderTest } from './testing/edge-under-test.ts';
import { putPointer, seedVersion, uniqueModel } from './testing/seed-version.ts';
import { json, send, sendWith } from './testing/send.ts';

const features = [0.3, -1.2, 2.5, 0.9];
const ON = { REQUIRE_API_KEY: 'true' };
/** The routes that answer without a key (README, worker/README.md). */
const PUBLIC = ['GET /ping', 'GET /health', 'GET /openapi.json', 'GET /docs'];

async function liveModel(): Promise<string> {
  const model = uniqueModel();
  await putPointer({ ...(await seedVersion({ model, version: '2' })).pointer, previous: '1' });
  return model;
}

function withHeaders(headers: Record<string, string>, init: RequestInit = json({ features })): RequestInit {
  return { ...init, headers: { ...(init.headers as Record<string, string>), ...headers } };
}

async function storedKey(): Promise<string> {
  const key = `ef_${crypto.randomUUID()}`;
  await env.POINTERS.put(await apiKeyKvKey(key), JSON.stringify({ name: 'test', createdAt: new Date().toISOString() }));
  return key;
}

/** The `POINTERS` binding, counting the API-key look-ups that reach KV. */
function countingKv(): { POINTERS: KVNamespace; keyReads: () => number } {
  let reads = 0;
  const POINTERS = {
    get(key: string, type: 'text') {
      if (key.startsWith(API_KEY_KV_PREFIX)) reads++;
      return env.POINTERS.get(key, type);
    },
  } as unknown as KVNamespace;
  return { POINTERS, keyReads: () => reads };
}

/** A predict with `key` from `ip`, through `edge` with API keys on and `POINTERS` counted. */
function attempt(edge: EdgeUnderTest, kv: { POINTERS: KVNamespace }, model: string, key: string, ip = '192.0.2.1') {
  return edge.sendWith(
    { ...ON, POINTERS: kv.POINTERS },
    `/v1/models/${model}/predict`,
    withHeaders({ 'x-api-key': key, 'cf-connecting-ip': ip }),
  );
}

const wrongKey = () => `ef_wrong-${crypto.randomUUID()}`;

describe('API keys', () => {
  it('are off by default', async () => {
    const model = await liveModel();
    expect((await send(`/v1/models/${model}/predict`, json({ features }))).status).toBe(200);
    expect((await send(`/v1/models/${model}`)).status).toBe(200);
  });

  it('when on, refuse a request without a key or with an unknown key, and accept a stored one', async () => {
    const edge = edgeUnderTest();
    const model = await liveModel();
    const missing = await edge.sendWith(ON, `/v1/models/${model}/predict`, json({ features }));
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(((await missing.json()) as EdgeError).error.code).toBe('api_key_required');

    const wrong = await edge.sendWith(
      ON,
      `/v1/models/${model}/predict`,
      withHeaders({ authorization: `Bearer ${wrongKey()}` }),
    );
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(((await wrong.json()) as EdgeError).error.code).toBe('api_key_invalid');

    const key = await storedKey();
    const paths = [`/v1/models/${model}/predict`, `/v1/models/${model}/versions/2/predict`];
    for (const path of paths) {
      expect((await edge.sendWith(ON, path, withHeaders({ authorization: `Bearer ${key}` }))).status).toBe(200);
      expect((await edge.sendWith(ON, path, withHeaders({ 'x-api-key': key }))).status).toBe(200);
    }
    expect((await edge.sendWith(ON, '/predict', json({ features }))).status).toBe(401);
  });

  it('guard every route but the public ones (and unknown paths) when on', async () => {
    const edge = edgeUnderTest();
    const model = await liveModel();
    const routes = edge.app.routes.filter((r) => r.method !== 'ALL');
    const seen = new Set(routes.map((r) => `${r.method} ${r.path}`));
    expect([...seen].filter((r) => PUBLIC.includes(r)).sort()).toEqual([...PUBLIC].sort());
    for (const name of seen) {
      const [method, pattern] = name.split(' ') as [string, string];
      const path = pattern.replace(':name', model).replace(':version', '2');
      const init = method === 'POST' ? json({ features }) : { method };
      const res = await edge.sendWith(ON, path, init);
      if (PUBLIC.includes(name)) expect(res.status, name).not.toBe(401);
      else expect(((await res.json()) as EdgeError).error.code, name).toBe('api_key_required');
    }
    expect((await edge.sendWith(ON, '/nowhere')).status).toBe(401);
  });

  it('let a CORS preflight through without a key', async () => {
    const res = await edgeUnderTest().sendWith({ ...ON, CORS_ORIGINS: '*' }, '/v1/models/m/predict', {
      method: 'OPTIONS',
      headers: { origin: 'https://a.example', 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-headers')).toContain('x-api-key');
  });

  it('when on, guard GET /v1/models/:name (its signature and previous version)', async () => {
    const edge = edgeUnderTest();
    const model = await liveModel();
    const refused = await edge.sendWith(ON, `/v1/models/${model}`);
    expect(refused.status).toBe(401);
    const text = await refused.text();
    expect(text).not.toContain('mean');
    expect(text).not.toContain('previous');

    const res = await edge.sendWith(ON, `/v1/models/${model}`, { headers: { 'x-api-key': await storedKey() } });
    expect(res.status).toBe(200);
    const info = (await res.json()) as ModelInfo;
    expect(info).toMatchObject({ model, live: '2', previous: '1' });
    expect(info.signature.preprocess?.standardize?.mean).toHaveLength(4);
  });

  it('refuse a repeated wrong key without another KV read until UNKNOWN_API_KEY_CACHE_MS has passed', async () => {
    const edge = edgeUnderTest();
    const kv = countingKv();
    const model = await liveModel();
    const key = wrongKey();
    for (let i = 0; i < 5; i++) {
      // different addresses, so the failed-attempt limit does not answer first
      expect((await attempt(edge, kv, model, key, `192.0.2.${i}`)).status).toBe(401);
    }
    expect(kv.keyReads()).toBe(1);
    edge.clock.advance(UNKNOWN_API_KEY_CACHE_MS);
    expect((await attempt(edge, kv, model, key, '192.0.2.9')).status).toBe(401);
    expect(kv.keyReads()).toBe(2);
  });

  it('accept a key stored after it was refused once UNKNOWN_API_KEY_CACHE_MS has passed', async () => {
    const edge = edgeUnderTest();
    const kv = countingKv();
    const model = await liveModel();
    const key = wrongKey();
    expect((await attempt(edge, kv, model, key)).status).toBe(401);
    await env.POINTERS.put(await apiKeyKvKey(key), JSON.stringify({ name: 'late', createdAt: '' }));
    edge.clock.advance(UNKNOWN_API_KEY_CACHE_MS - 1);
    expect((await attempt(edge, kv, model, key)).status).toBe(401);
    edge.clock.advance(1);
    expect((await attempt(edge, kv, model, key)).status).toBe(200);
    expect(kv.keyReads()).toBe(2);
  });

  it('trust a stored key for API_KEY_CACHE_MS, then read KV again (a revoked key stops working)', async () => {
    const edge = edgeUnderTest();
    const kv = countingKv();
    const model = await liveModel();
    const key = await storedKey();
    expect((await attempt(edge, kv, model, key)).status).toBe(200);
    await revokeApiKey(env.POINTERS, key);
    edge.clock.advance(API_KEY_CACHE_MS - 1);
    expect((await attempt(edge, kv, model, key)).status).toBe(200);
    expect(kv.keyReads()).toBe(1);
    edge.clock.advance(1);
    expect((await attempt(edge, kv, model, key)).status).toBe(401);
    expect(kv.keyReads()).toBe(2);
  });

  it('answer 429 with retry-after, without a KV read, to a client past MAX_FAILED_ATTEMPTS wrong keys', async () => {
    const edge = edgeUnderTest();
    const kv = countingKv();
    const model = await liveModel();
    const trusted = await storedKey();
    const untrusted = await storedKey();
    expect((await attempt(edge, kv, model, trusted)).status).toBe(200);
    for (let i = 0; i < MAX_FAILED_ATTEMPTS; i++) expect((await attempt(edge, kv, model, wrongKey())).status).toBe(401);
    expect(kv.keyReads()).toBe(1 + MAX_FAILED_ATTEMPTS);

    const limited = await attempt(edge, kv, model, wrongKey());
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe(String(FAILED_ATTEMPTS_WINDOW_MS / 1000));
    expect(((await limited.json()) as EdgeError).error.code).toBe('too_many_attempts');
    // a stored key the isolate has not checked yet waits too; one it trusts passes without KV
    expect((await attempt(edge, kv, model, untrusted)).status).toBe(429);
    expect((await attempt(edge, kv, model, trusted)).status).toBe(200);
    expect(kv.keyReads()).toBe(1 + MAX_FAILED_ATTEMPTS);
    // a missing key costs nothing and still says so
    const missing = await edge.sendWith(ON, `/v1/models/${model}`, { headers: { 'cf-connecting-ip': '192.0.2.1' } });
    expect(missing.status).toBe(401);

    // other addresses are not limited
    expect((await attempt(edge, kv, model, wrongKey(), '198.51.100.7')).status).toBe(401);
    expect((await attempt(edge, kv, model, untrusted, '2001:db8::1')).status).toBe(200);

    edge.clock.advance(FAILED_ATTEMPTS_WINDOW_MS / 2 + 500);
    const later = await attempt(edge, kv, model, wrongKey());
    expect(later.status).toBe(429);
    expect(later.headers.get('retry-after')).toBe(String(FAILED_ATTEMPTS_WINDOW_MS / 2000));
    edge.clock.advance(FAILED_ATTEMPTS_WINDOW_MS / 2 - 500);
    expect((await attempt(edge, kv, model, wrongKey())).status).toBe(401);
  });

  it('are stored as the sha256 of the key, never the key', async () => {
    expect(await hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await apiKeyKvKey('abc')).toBe('apikey/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('createApiKey / revokeApiKey', () => {
  it('store a usable key by its hash and delete it', async () => {
    const model = await liveModel();
    const { key, kvKey } = await createApiKey(env.POINTERS, 'ci');
    expect(key).toMatch(/^ef_[A-Za-z0-9_-]{43}$/);
    expect(kvKey).toBe(`apikey/${await hashApiKey(key)}`);
    expect(JSON.parse((await env.POINTERS.get(kvKey))!)).toMatchObject({ name: 'ci' });
    expect((await env.POINTERS.list({ prefix: 'apikey/' })).keys.some((k) => k.name.includes(key))).toBe(false);
    expect((await sendWith(ON, `/v1/models/${model}/predict`, withHeaders({ 'x-api-key': key }))).status).toBe(200);
    await revokeApiKey(env.POINTERS, key);
    expect(await env.POINTERS.get(kvKey)).toBeNull();
  });
});
