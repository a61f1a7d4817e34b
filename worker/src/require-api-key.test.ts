import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { apiKeyKvKey, createApiKey, hashApiKey, revokeApiKey } from '../../contracts/api-key.ts';
import type { EdgeError } from '../../contracts/index.ts';
import { putPointer, seedVersion, uniqueModel } from './testing/seed-version.ts';
import { json, send, sendWith } from './testing/send.ts';

const features = [0.3, -1.2, 2.5, 0.9];
const ON = { REQUIRE_API_KEY: 'true' };

async function liveModel(): Promise<string> {
  const model = uniqueModel();
  await putPointer((await seedVersion({ model, version: '1' })).pointer);
  return model;
}

function withHeaders(headers: Record<string, string>): RequestInit {
  const init = json({ features });
  Object.assign(init.headers as Record<string, string>, headers);
  return init;
}

describe('API keys', () => {
  it('are off by default', async () => {
    const model = await liveModel();
    expect((await send(`/v1/models/${model}/predict`, json({ features }))).status).toBe(200);
  });

  it('when on, refuse a predict without a key or with an unknown key, and accept a stored one', async () => {
    const model = await liveModel();
    const missing = await sendWith(ON, `/v1/models/${model}/predict`, json({ features }));
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(((await missing.json()) as EdgeError).error.code).toBe('api_key_required');

    const key = `ef_${crypto.randomUUID()}`;
    const wrong = await sendWith(ON, `/v1/models/${model}/predict`, withHeaders({ authorization: `Bearer ${key}` }));
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as EdgeError).error.code).toBe('api_key_invalid');

    const other = `ef_${crypto.randomUUID()}`;
    await env.POINTERS.put(
      await apiKeyKvKey(other),
      JSON.stringify({ name: 'test', createdAt: new Date().toISOString() }),
    );
    expect(
      (await sendWith(ON, `/v1/models/${model}/predict`, withHeaders({ authorization: `Bearer ${other}` }))).status,
    ).toBe(200);
    expect((await sendWith(ON, `/v1/models/${model}/predict`, withHeaders({ 'x-api-key': other }))).status).toBe(200);
    expect(
      (await sendWith(ON, `/v1/models/${model}/versions/1/predict`, withHeaders({ 'x-api-key': other }))).status,
    ).toBe(200);
    expect((await sendWith(ON, '/predict', json({ features }))).status).toBe(401);
    // reading routes stay open
    expect((await sendWith(ON, `/v1/models/${model}`)).status).toBe(200);
    expect((await sendWith(ON, '/ping')).status).toBe(200);
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
