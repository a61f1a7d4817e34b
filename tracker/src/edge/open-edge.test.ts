import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOUDFLARE_ENV, openEdge } from './open-edge.ts';
import { FakeCloudflare } from './testing/fake-cloudflare.ts';

const secrets = { CLOUDFLARE_API_TOKEN: 'cf-token-SECRET', R2_SECRET_ACCESS_KEY: 'r2-key-SECRET' };
const full = {
  EDGEFLOW_EDGE: 'cloudflare',
  CLOUDFLARE_ACCOUNT_ID: 'acc123',
  EDGEFLOW_KV_NAMESPACE_ID: 'ns456',
  EDGEFLOW_R2_BUCKET: 'models',
  R2_ACCESS_KEY_ID: 'AKID',
  ...secrets,
};

describe('openEdge', () => {
  it('names every missing variable of the cloudflare edge in one error', async () => {
    await expect(openEdge({ EDGEFLOW_EDGE: 'cloudflare' })).rejects.toThrow(
      `EDGEFLOW_EDGE=cloudflare needs ${CLOUDFLARE_ENV.join(', ')}`,
    );
    for (const name of CLOUDFLARE_ENV) {
      const err = (await openEdge({ ...full, [name]: ' ' }).catch((e: Error) => e)) as Error;
      expect(err.message).toBe(`EDGEFLOW_EDGE=cloudflare needs ${name} (missing or empty)`);
    }
  });

  it('refuses an unknown edge kind', async () => {
    await expect(openEdge({ EDGEFLOW_EDGE: 'aws' })).rejects.toThrow(
      'EDGEFLOW_EDGE must be "local" or "cloudflare", got "aws"',
    );
  });

  it('describes the cloudflare edge by account, bucket and namespace, without secrets', async () => {
    const edge = await openEdge(full);
    expect(edge.describe).toContain('acc123');
    expect(edge.describe).toContain('models');
    expect(edge.describe).toContain('ns456');
    expect(edge.describe).toContain('https://acc123.r2.cloudflarestorage.com');
    for (const s of Object.values(secrets)) expect(edge.describe).not.toContain(s);
    await edge.close();
  });

  describe('with the API endpoints overridden', () => {
    const cf = new FakeCloudflare({
      accountId: 'acc123',
      apiToken: secrets.CLOUDFLARE_API_TOKEN,
      namespaceId: 'ns456',
      bucket: 'models',
      accessKeyId: 'AKID',
      secretAccessKey: secrets.R2_SECRET_ACCESS_KEY,
    });
    beforeAll(async () => {
      await cf.start();
    });
    afterAll(() => cf.stop());

    it('sends KV to EDGEFLOW_CF_API_URL and R2 to EDGEFLOW_R2_ENDPOINT, with the configured credentials', async () => {
      const edge = await openEdge({ ...full, EDGEFLOW_CF_API_URL: cf.apiUrl, EDGEFLOW_R2_ENDPOINT: cf.r2Endpoint });
      await edge.kv.put('pointer/m', 'p');
      await edge.blobs.put('models/m/1/model.json', '{}');
      expect(cf.kv.get('pointer/m')).toBe('p');
      expect(cf.objects.get('models/m/1/model.json')?.body.toString()).toBe('{}');
      expect(cf.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        'PUT /client/v4/accounts/acc123/storage/kv/namespaces/ns456/values/pointer%2Fm',
        'PUT /models/models/m/1/model.json',
      ]);
      expect(edge.describe).toContain(cf.r2Endpoint);
    });
  });

  describe('local', () => {
    let stateDir: string;
    beforeAll(() => {
      stateDir = mkdtempSync(join(tmpdir(), 'edgeflow-open-edge-'));
    });
    afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

    it('is the default, over EDGEFLOW_STATE_DIR/v3', async () => {
      const edge = await openEdge({ EDGEFLOW_STATE_DIR: stateDir });
      try {
        expect(edge.describe).toBe(`local (wrangler state ${join(stateDir, 'v3')})`);
        await edge.kv.put('k', 'v');
        expect(await edge.kv.get('k')).toBe('v');
      } finally {
        await edge.close();
      }
    });
  });
});
