import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelPrefix, pointerKey, versionPrefix } from '../../../contracts/index.ts';
import { SERVABLE_MODEL_NAMES } from '../../../contracts/testing/model-names.ts';
import { byteStream, patternBytes } from '../testing/byte-stream.ts';
import type { Edge } from './edge.ts';
import { openEdge } from './open-edge.ts';
import { FakeCloudflare } from './testing/fake-cloudflare.ts';
import { PART_BYTES } from './upload-in-parts.ts';

/** One behaviour, every backend: what the tracker relies on must hold for the simulator and for Cloudflare. */
const backends: [name: string, open: () => Promise<{ edge: Edge; dispose: () => Promise<void> }>][] = [
  [
    'local (wrangler state)',
    async () => {
      const stateDir = mkdtempSync(join(tmpdir(), 'edgeflow-contract-'));
      const edge = await openEdge({ EDGEFLOW_STATE_DIR: stateDir });
      return {
        edge,
        dispose: async () => {
          await edge.close();
          rmSync(stateDir, { recursive: true, force: true });
        },
      };
    },
  ],
  [
    'cloudflare (KV REST + R2 S3, against a local fake)',
    async () => {
      const env = {
        EDGEFLOW_EDGE: 'cloudflare',
        CLOUDFLARE_ACCOUNT_ID: 'acc',
        CLOUDFLARE_API_TOKEN: 'token',
        EDGEFLOW_KV_NAMESPACE_ID: 'ns',
        EDGEFLOW_R2_BUCKET: 'bucket',
        R2_ACCESS_KEY_ID: 'AKID',
        R2_SECRET_ACCESS_KEY: 'secret',
      };
      const cf = await new FakeCloudflare({
        accountId: env.CLOUDFLARE_ACCOUNT_ID,
        apiToken: env.CLOUDFLARE_API_TOKEN,
        namespaceId: env.EDGEFLOW_KV_NAMESPACE_ID,
        bucket: env.EDGEFLOW_R2_BUCKET,
        accessKeyId: env.R2_ACCESS_KEY_ID,
        secretAccessKey: env.R2_SECRET_ACCESS_KEY,
        pageSize: 100,
      }).start();
      const edge = await openEdge({ ...env, EDGEFLOW_CF_API_URL: cf.apiUrl, EDGEFLOW_R2_ENDPOINT: cf.r2Endpoint });
      return {
        edge,
        dispose: async () => {
          await edge.close();
          await cf.stop();
        },
      };
    },
  ],
];

describe.each(backends)('edge contract: %s', (_, open) => {
  let edge: Edge;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    ({ edge, dispose } = await open());
  });
  afterAll(() => dispose?.());

  it('KV: put, overwrite, get, delete; missing is null', async () => {
    expect(await edge.kv.get('pointer/m')).toBeNull();
    await edge.kv.put('pointer/m', '{"version":"1"}');
    await edge.kv.put('pointer/m', '{"version":"2"}');
    expect(await edge.kv.get('pointer/m')).toBe('{"version":"2"}');
    await edge.kv.put('pointer/ünï code', 'é');
    expect(await edge.kv.get('pointer/ünï code')).toBe('é');
    await edge.kv.delete('pointer/m');
    expect(await edge.kv.get('pointer/m')).toBeNull();
    await edge.kv.delete('pointer/never-there');
  });

  it('blobs: bytes and strings round-trip; missing is null', async () => {
    const bytes = new Uint8Array(70_000).map((_, i) => (i * 7) % 256);
    await edge.blobs.put('models/m/1/group1-shard1of1.bin', bytes, 'application/octet-stream');
    await edge.blobs.put('models/m/1/model.json', '{"a":1}', 'application/json');
    expect(await edge.blobs.get('models/m/1/group1-shard1of1.bin')).toEqual(bytes);
    expect(new TextDecoder().decode((await edge.blobs.get('models/m/1/model.json'))!)).toBe('{"a":1}');
    expect(await edge.blobs.get('models/m/1/absent.bin')).toBeNull();
  });

  it('blobs: upload streams a body in parts and a short one whole; both read back as sent', async () => {
    const long = 2 * PART_BYTES + 12_345;
    await edge.blobs.upload('u/long.bin', byteStream(long), 'application/octet-stream');
    await edge.blobs.upload('u/short.txt', byteStream(10), 'text/plain');
    await edge.blobs.upload('u/empty', byteStream(0));
    const read = await edge.blobs.get('u/long.bin');
    expect(read?.length).toBe(long);
    expect(Buffer.from(read!).equals(patternBytes(long))).toBe(true);
    expect(await edge.blobs.get('u/short.txt')).toEqual(patternBytes(10));
    expect(await edge.blobs.get('u/empty')).toEqual(new Uint8Array());
  });

  it('blobs: an upload whose stream fails writes nothing and leaves an object already there as it was', async () => {
    await edge.blobs.put('u/kept', 'before');
    for (const failAfter of [100, PART_BYTES + 1, 2 * PART_BYTES + 1]) {
      const failed = edge.blobs.upload('u/kept', byteStream(3 * PART_BYTES, { failAfter }));
      await expect(failed, String(failAfter)).rejects.toThrow(/test stream failed/);
      await expect(edge.blobs.upload('u/new', byteStream(3 * PART_BYTES, { failAfter }))).rejects.toThrow();
    }
    expect(new TextDecoder().decode((await edge.blobs.get('u/kept'))!)).toBe('before');
    expect(await edge.blobs.get('u/new')).toBeNull();
  });

  it('blobs: list returns every object under a prefix in key order with sizes, odd keys included', async () => {
    const odd = ['c/a&b.txt', "c/it's <x>.txt", 'c/sp ace+plus.txt', 'c/ünï.txt'];
    const many = Array.from({ length: 250 }, (_, i) => `c/n${String(i).padStart(3, '0')}`);
    await Promise.all([...odd, ...many].map((k) => edge.blobs.put(k, k)));
    await edge.blobs.put('cc/not-under-c-slash', 'x');
    const listed = await edge.blobs.list('c/');
    const expected = [...odd, ...many].sort().map((key) => ({ key, size: new TextEncoder().encode(key).length }));
    expect(listed).toEqual(expected);
  });

  it('blobs: delete removes exactly the named keys, more than one batch of them', async () => {
    const keys = Array.from({ length: 1005 }, (_, i) => `d/${String(i).padStart(4, '0')}`);
    await Promise.all(keys.map((k) => edge.blobs.put(k, 'x')));
    await edge.blobs.put('d/keep', 'x');
    await edge.blobs.delete([...keys, 'd/never-there']);
    expect(await edge.blobs.list('d/')).toEqual([{ key: 'd/keep', size: 1 }]);
  });

  it('keys built from every servable model name round-trip: pointer, version files, prefix listing', async () => {
    for (const name of SERVABLE_MODEL_NAMES) {
      const pointer = pointerKey(name);
      await edge.kv.put(pointer, `{"model":${JSON.stringify(name)}}`);
      expect(await edge.kv.get(pointer), name).toBe(`{"model":${JSON.stringify(name)}}`);
      const prefix = versionPrefix(name, '1');
      const keys = [`${prefix}model.json`, `${prefix}weights/shard 1.bin`];
      for (const key of keys) await edge.blobs.put(key, key);
      expect(new TextDecoder().decode((await edge.blobs.get(keys[1]!))!), name).toBe(keys[1]);
      expect(
        (await edge.blobs.list(modelPrefix(name))).map((b) => b.key),
        name,
      ).toEqual([...keys].sort());
      await edge.blobs.delete(keys);
      await edge.kv.delete(pointer);
      expect(await edge.kv.get(pointer), name).toBeNull();
      expect(await edge.blobs.list(prefix), name).toEqual([]);
    }
  });
});
