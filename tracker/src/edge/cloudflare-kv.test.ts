import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cloudflareKv } from './cloudflare-kv.ts';
import type { KvStore } from './kv-store.ts';
import { FakeCloudflare } from './testing/fake-cloudflare.ts';

const opts = {
  accountId: 'acc123',
  apiToken: 'tok-secret',
  namespaceId: 'ns456',
  bucket: 'models',
  accessKeyId: 'AKID',
  secretAccessKey: 'SECRET',
};

describe('cloudflareKv (Cloudflare KV REST API)', () => {
  const cf = new FakeCloudflare(opts);
  let kv: KvStore;

  beforeAll(async () => {
    await cf.start();
  });
  afterAll(() => cf.stop());
  beforeEach(() => {
    cf.reset();
    kv = cloudflareKv({
      accountId: opts.accountId,
      namespaceId: opts.namespaceId,
      apiToken: opts.apiToken,
      apiUrl: cf.apiUrl,
      retryDelayMs: 1,
    });
  });

  it('PUTs the raw value to the documented path with a bearer token', async () => {
    await kv.put('pointer/fraud-detector', '{"version":"3"}');
    expect(cf.requests).toHaveLength(1);
    const [r] = cf.requests;
    expect(r!.method).toBe('PUT');
    expect(r!.path).toBe('/client/v4/accounts/acc123/storage/kv/namespaces/ns456/values/pointer%2Ffraud-detector');
    expect(r!.headers.authorization).toBe('Bearer tok-secret');
    expect(r!.headers['content-type']).toMatch(/^text\/plain/);
    expect(r!.body.toString()).toBe('{"version":"3"}');
    expect(cf.kv.get('pointer/fraud-detector')).toBe('{"version":"3"}');
  });

  it('URL-encodes the whole key, special characters included', async () => {
    const key = 'pointer/a b:c!%?#&é';
    await kv.put(key, 'v');
    expect(cf.requests[0]!.path.endsWith(`/values/${encodeURIComponent(key)}`)).toBe(true);
    expect(cf.kv.has(key)).toBe(true);
    expect(await kv.get(key)).toBe('v');
  });

  it('GETs the raw value back, and null for a missing key (404, code 10009)', async () => {
    cf.kv.set('pointer/x', 'ünïcode value');
    expect(await kv.get('pointer/x')).toBe('ünïcode value');
    expect(await kv.get('pointer/none')).toBeNull();
    expect(cf.requests.map((r) => [r.method, r.headers.authorization])).toEqual([
      ['GET', 'Bearer tok-secret'],
      ['GET', 'Bearer tok-secret'],
    ]);
  });

  it('DELETEs the key', async () => {
    cf.kv.set('pointer/x', '1');
    await kv.delete('pointer/x');
    expect(cf.requests[0]!.method).toBe('DELETE');
    expect(cf.requests[0]!.path).toBe('/client/v4/accounts/acc123/storage/kv/namespaces/ns456/values/pointer%2Fx');
    expect(cf.kv.has('pointer/x')).toBe(false);
  });

  it('treats a 404 for a wrong namespace as an error, not as a missing key', async () => {
    const wrong = cloudflareKv({
      accountId: 'acc123',
      namespaceId: 'nope',
      apiToken: opts.apiToken,
      apiUrl: cf.apiUrl,
    });
    await expect(wrong.get('pointer/x')).rejects.toThrow(/HTTP 404: namespace not found \[code 10013\]/);
  });

  it("turns an error answer into an Error carrying Cloudflare's errors[] message", async () => {
    const bad = cloudflareKv({ ...opts, apiToken: 'wrong', apiUrl: cf.apiUrl });
    await expect(bad.put('pointer/x', 'v')).rejects.toThrow(
      'Cloudflare KV PUT "pointer/x" failed: HTTP 400: Authentication error [code 10000]',
    );
    expect(cf.kv.size).toBe(0);
  });

  it('never puts the token in an error message', async () => {
    cf.inject(
      () => true,
      403,
      JSON.stringify({ success: false, errors: [{ code: 10000, message: 'Authentication error' }] }),
    );
    const err = await kv.get('k').catch((e: Error) => e);
    expect(String(err)).not.toContain(opts.apiToken);
  });

  it('fails on a 200 whose envelope says success: false', async () => {
    cf.inject(
      (r) => r.method === 'PUT',
      200,
      JSON.stringify({ success: false, errors: [{ code: 10001, message: 'quota exceeded' }] }),
    );
    await expect(kv.put('k', 'v')).rejects.toThrow(/quota exceeded \[code 10001\]/);
  });

  it('retries 429 and 5xx answers, then succeeds', async () => {
    cf.inject(() => true, 503, 'upstream unavailable', 'text/plain');
    cf.inject(
      () => true,
      429,
      JSON.stringify({ success: false, errors: [{ code: 10429, message: 'Too many requests' }] }),
    );
    await kv.put('k', 'v');
    expect(cf.requests.map((r) => r.method)).toEqual(['PUT', 'PUT', 'PUT']);
    expect(cf.kv.get('k')).toBe('v');
  });

  it('gives up after the retries with the last error', async () => {
    const once = cloudflareKv({ ...opts, apiUrl: cf.apiUrl, retries: 1, retryDelayMs: 1 });
    for (let i = 0; i < 2; i++)
      cf.inject(() => true, 500, JSON.stringify({ success: false, errors: [{ code: 10001, message: 'internal' }] }));
    await expect(once.get('k')).rejects.toThrow(/HTTP 500: internal \[code 10001\]/);
    expect(cf.requests).toHaveLength(2);
  });
});
