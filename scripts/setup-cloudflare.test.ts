// `npm run setup:cloudflare` against a local fake of Cloudflare's account API that checks every request,
// on a copy of the repository's wrangler.toml.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLOUDFLARE_ENV, openEdge } from '../tracker/src/edge/open-edge.ts';
import { FakeCloudflare } from '../tracker/src/edge/testing/fake-cloudflare.ts';
import { type SetupCloudflareResult, SetupStepError, setupCloudflare } from './setup-cloudflare.ts';
import { type AccountRequest, FakeCloudflareAccount, PERMISSION_GROUPS } from './testing/fake-cloudflare-account.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ACCOUNT = '0123456789abcdef0123456789abcdef';
const SETUP_TOKEN = 'setup-token-never-printed';
const A = `/accounts/${ACCOUNT}`;

const isJsonWrite = (r: AccountRequest) => r.method !== 'GET' && !r.path.endsWith('/workers/scripts/edgeflow');
const call = (r: AccountRequest) =>
  `${r.method} ${r.path}${Object.keys(r.query).length ? `?${new URLSearchParams(r.query)}` : ''}`;

describe('npm run setup:cloudflare', () => {
  const cf = new FakeCloudflareAccount({ accountId: ACCOUNT, apiToken: SETUP_TOKEN });
  let dir: string;
  let config: string;
  let original: string;

  async function run(fake = cf): Promise<{ result?: SetupCloudflareResult; error?: unknown; out: string[] }> {
    const out: string[] = [];
    try {
      const result = await setupCloudflare({
        accountId: ACCOUNT,
        apiToken: SETUP_TOKEN,
        apiBaseUrl: fake.apiUrl,
        configPath: config,
        print: (line) => out.push(line),
      });
      return { result, out };
    } catch (error) {
      return { error, out };
    }
  }

  beforeAll(async () => {
    await cf.start();
  });
  afterAll(() => cf.stop());
  beforeEach(() => {
    cf.reset();
    dir = mkdtempSync(join(tmpdir(), 'edgeflow-setup-cf-'));
    config = join(dir, 'wrangler.toml');
    copyFileSync(join(ROOT, 'wrangler.toml'), config);
    original = readFileSync(config, 'utf8');
    return () => rmSync(dir, { recursive: true, force: true });
  });

  it('on an empty account creates everything wrangler.toml names, with the documented requests', async () => {
    const { result, out, error } = await run();
    expect(error).toBeUndefined();

    expect(cf.requests.map(call)).toEqual([
      `GET ${A}/storage/kv/namespaces?per_page=100&page=1`,
      `POST ${A}/storage/kv/namespaces`,
      `GET ${A}/r2/buckets`,
      `POST ${A}/r2/buckets`,
      `GET ${A}/queues?page=1`,
      `POST ${A}/queues`,
      `POST ${A}/queues`,
      `GET ${A}/tokens?per_page=50&page=1`,
      `GET ${A}/tokens/permission_groups`,
      `POST ${A}/tokens`,
      `GET ${A}/workers/scripts/edgeflow/secrets`,
      `PUT ${A}/workers/scripts/edgeflow`,
      `PUT ${A}/workers/scripts/edgeflow/secrets`,
    ]);
    for (const r of cf.requests) expect(r.headers.authorization).toBe(`Bearer ${SETUP_TOKEN}`);
    for (const r of cf.requests.filter(isJsonWrite)) expect(r.headers['content-type']).toBe('application/json');
    const bodies = cf.requests.filter(isJsonWrite).map((r) => JSON.parse(r.body.toString()) as unknown);
    const [ns, bucket, events, dlq, token, secret] = bodies;
    expect(ns).toEqual({ title: 'edgeflow-POINTERS' });
    expect(bucket).toEqual({ name: 'edgeflow-models' });
    expect([events, dlq]).toEqual([{ queue_name: 'edgeflow-events' }, { queue_name: 'edgeflow-events-dlq' }]);
    const groupId = (name: string) => PERMISSION_GROUPS.find((g) => g.name === name)!.id;
    expect(token).toEqual({
      name: 'edgeflow-tracker',
      policies: [
        {
          effect: 'allow',
          resources: { [`com.cloudflare.edge.r2.bucket.${ACCOUNT}_default_edgeflow-models`]: '*' },
          permission_groups: [{ id: groupId('Workers R2 Storage Bucket Item Write') }],
        },
        {
          effect: 'allow',
          resources: { [`com.cloudflare.api.account.${ACCOUNT}`]: '*' },
          permission_groups: [{ id: groupId('Workers KV Storage Write') }],
        },
      ],
    });
    expect(secret).toEqual({ name: 'INGEST_TOKEN', text: expect.stringMatching(/^[\w-]{43}$/), type: 'secret_text' });

    // the placeholder worker that holds the secret until the first deploy
    const upload = cf.requests.find((r) => r.method === 'PUT' && r.path === `${A}/workers/scripts/edgeflow`)!;
    expect(upload.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const script = cf.scripts.get('edgeflow')!;
    expect(script.metadata).toEqual({ main_module: 'placeholder.mjs', bindings: [], compatibility_date: '2026-11-17' });
    expect(script.modules['placeholder.mjs']!.type).toBe('application/javascript+module');
    const placeholder = await import(
      `data:text/javascript,${encodeURIComponent(script.modules['placeholder.mjs']!.text)}`
    );
    const answer = (await placeholder.default.fetch()) as Response;
    expect([answer.status, await answer.text()]).toEqual([503, 'not deployed yet: run wrangler deploy']);

    // what the account holds now, and what wrangler.toml says
    const [namespace] = cf.namespaces;
    const [tracker] = cf.tokens;
    expect(result!.kvNamespaces).toEqual({ POINTERS: namespace!.id });
    expect(cf.buckets.map((b) => b.name)).toEqual(['edgeflow-models']);
    expect(result!.queues).toEqual(Object.fromEntries(cf.queues.map((q) => [q.queue_name, q.queue_id])));
    const toml = readFileSync(config, 'utf8');
    expect(toml).toBe(original.replace('id = "edgeflow-pointers"', `id = "${namespace!.id}"`));
    expect(readdirSync(dir)).toEqual(['wrangler.toml']);

    // secrets: derived as R2 documents, each printed once inside the marked block, the setup token never
    const sha = createHash('sha256').update(tracker!.value).digest('hex');
    expect(result!.secrets).toEqual({
      CLOUDFLARE_API_TOKEN: tracker!.value,
      R2_ACCESS_KEY_ID: tracker!.id,
      R2_SECRET_ACCESS_KEY: sha,
      EDGEFLOW_INGEST_TOKEN: script.secrets.get('INGEST_TOKEN'),
    });
    const text = out.join('\n');
    expect(text).not.toContain(SETUP_TOKEN);
    const start = out.findIndex((l) => l.startsWith('==== SECRETS'));
    const end = out.indexOf('==== end of secrets ====');
    expect(out.slice(start + 1, end)).toEqual([
      `  CLOUDFLARE_API_TOKEN=${tracker!.value}`,
      `  R2_ACCESS_KEY_ID=${tracker!.id}`,
      `  R2_SECRET_ACCESS_KEY=${sha}`,
      `  EDGEFLOW_INGEST_TOKEN=${script.secrets.get('INGEST_TOKEN')}`,
    ]);
    for (const value of [tracker!.value, sha, script.secrets.get('INGEST_TOKEN')!])
      expect(text.split(value)).toHaveLength(2);
    expect(out.slice(0, start)).toEqual([
      `Cloudflare account ${ACCOUNT}, worker "edgeflow", from ${config}`,
      `KV namespace "edgeflow-POINTERS" (binding POINTERS): created, id ${namespace!.id}`,
      'wrangler.toml: id of POINTERS written',
      'R2 bucket "edgeflow-models": created',
      `queue "edgeflow-events": created, id ${result!.queues['edgeflow-events']}`,
      `queue "edgeflow-events-dlq": created, id ${result!.queues['edgeflow-events-dlq']}`,
      `API token "edgeflow-tracker": created, id ${tracker!.id} (Workers KV Storage Write; Workers R2 Storage Bucket Item Write on edgeflow-models)`,
      'worker "edgeflow": not deployed yet, so a placeholder that answers 503 was uploaded to hold its secrets (wrangler deploy replaces it)',
      'worker secret INGEST_TOKEN: set',
      '',
      'Tracker settings (not secret):',
      '  EDGEFLOW_EDGE=cloudflare',
      `  CLOUDFLARE_ACCOUNT_ID=${ACCOUNT}`,
      `  EDGEFLOW_KV_NAMESPACE_ID=${namespace!.id}`,
      '  EDGEFLOW_R2_BUCKET=edgeflow-models',
      '',
    ]);
  });

  it('a second run finds everything, only reads, and changes nothing', async () => {
    await run();
    const toml = readFileSync(config, 'utf8');
    const state = JSON.stringify([
      cf.namespaces,
      cf.buckets,
      cf.queues,
      cf.tokens,
      [...cf.scripts.get('edgeflow')!.secrets],
    ]);
    cf.requests.length = 0;

    const { result, out, error } = await run();
    expect(error).toBeUndefined();
    expect(cf.requests.map(call)).toEqual([
      `GET ${A}/storage/kv/namespaces?per_page=100&page=1`,
      `GET ${A}/r2/buckets`,
      `GET ${A}/queues?page=1`,
      `GET ${A}/tokens?per_page=50&page=1`,
      `GET ${A}/workers/scripts/edgeflow/secrets`,
    ]);
    expect(readFileSync(config, 'utf8')).toBe(toml);
    expect(
      JSON.stringify([cf.namespaces, cf.buckets, cf.queues, cf.tokens, [...cf.scripts.get('edgeflow')!.secrets]]),
    ).toBe(state);
    expect(result!.secrets).toEqual({});
    const [namespace] = cf.namespaces;
    expect(out.slice(0, 9)).toEqual([
      `Cloudflare account ${ACCOUNT}, worker "edgeflow", from ${config}`,
      `KV namespace "edgeflow-POINTERS" (binding POINTERS): exists, id ${namespace!.id}`,
      'wrangler.toml: unchanged',
      'R2 bucket "edgeflow-models": exists',
      `queue "edgeflow-events": exists, id ${cf.queues[0]!.queue_id}`,
      `queue "edgeflow-events-dlq": exists, id ${cf.queues[1]!.queue_id}`,
      `API token "edgeflow-tracker": exists, id ${cf.tokens[0]!.id} (its value was shown when it was made; for new credentials delete it and run again)`,
      'worker secret INGEST_TOKEN: exists (the tracker keeps the EDGEFLOW_INGEST_TOKEN it was given)',
      '',
    ]);
    expect(out.join('\n')).not.toContain('SECRETS');
  });

  it('after the token and the secret are deleted, a run issues new ones and prints them', async () => {
    const first = await run();
    cf.tokens.length = 0;
    cf.scripts.get('edgeflow')!.secrets.clear();
    const { result } = await run();
    const [token] = cf.tokens;
    expect(result!.secrets).toEqual({
      CLOUDFLARE_API_TOKEN: token!.value,
      R2_ACCESS_KEY_ID: token!.id,
      R2_SECRET_ACCESS_KEY: createHash('sha256').update(token!.value).digest('hex'),
      EDGEFLOW_INGEST_TOKEN: cf.scripts.get('edgeflow')!.secrets.get('INGEST_TOKEN'),
    });
    expect(result!.secrets.R2_ACCESS_KEY_ID).not.toBe(first.result!.secrets.R2_ACCESS_KEY_ID);
    expect(result!.secrets.EDGEFLOW_INGEST_TOKEN).not.toBe(first.result!.secrets.EDGEFLOW_INGEST_TOKEN);
  });

  it('the printed settings open the tracker edge: KV through the REST API and R2 with the derived S3 keys', async () => {
    const { out } = await run();
    const env: Record<string, string> = {};
    for (const line of out) {
      const m = /^ {2}([A-Z0-9_]+)=(.*)$/.exec(line);
      if (m) env[m[1]!] = m[2]!;
    }
    expect(CLOUDFLARE_ENV.filter((name) => !env[name])).toEqual([]);
    // Cloudflare's side of the token: the S3 key id is its id, the S3 secret the sha256 of its value.
    const [token] = cf.tokens;
    const edgeApi = await new FakeCloudflare({
      accountId: ACCOUNT,
      apiToken: token!.value,
      namespaceId: cf.namespaces[0]!.id,
      bucket: 'edgeflow-models',
      accessKeyId: token!.id,
      secretAccessKey: createHash('sha256').update(token!.value).digest('hex'),
    }).start();
    try {
      const edge = await openEdge({
        ...env,
        EDGEFLOW_CF_API_URL: edgeApi.apiUrl,
        EDGEFLOW_R2_ENDPOINT: edgeApi.r2Endpoint,
      });
      await edge.kv.put('pointer/m', '{"version":"1"}');
      await edge.blobs.put('models/m/1/model.json', '{}', 'application/json');
      expect(await edge.kv.get('pointer/m')).toBe('{"version":"1"}');
      expect(new TextDecoder().decode((await edge.blobs.get('models/m/1/model.json'))!)).toBe('{}');
      await edge.close();
    } finally {
      await edgeApi.stop();
    }
  });

  it('follows every page of the list calls (page numbers with total_count; R2 by cursor)', async () => {
    const paged = await new FakeCloudflareAccount({ accountId: ACCOUNT, apiToken: SETUP_TOKEN, pageSize: 2 }).start();
    try {
      for (const t of ['a', 'b', 'c', 'd', 'edgeflow-POINTERS']) paged.namespaces.push({ id: `ns-${t}`, title: t });
      for (const b of ['b1', 'b2', 'b3', 'b4', 'edgeflow-models']) paged.buckets.push({ name: b, creation_date: '' });
      for (const q of ['q1', 'edgeflow-events', 'q3', 'q4', 'edgeflow-events-dlq'])
        paged.queues.push({ queue_id: `id-${q}`, queue_name: q });
      for (const t of ['t1', 't2', 't3', 't4', 'edgeflow-tracker'])
        paged.tokens.push({ id: `tok-${t}`, name: t, value: 'v', policies: [] });
      paged.scripts.set('edgeflow', { metadata: {}, modules: {}, secrets: new Map([['INGEST_TOKEN', 'x']]) });

      const { result, error } = await run(paged);
      expect(error).toBeUndefined();
      expect(paged.requests.map(call)).toEqual([
        `GET ${A}/storage/kv/namespaces?per_page=100&page=1`,
        `GET ${A}/storage/kv/namespaces?per_page=100&page=2`,
        `GET ${A}/storage/kv/namespaces?per_page=100&page=3`,
        `GET ${A}/r2/buckets`,
        `GET ${A}/r2/buckets?cursor=c%2B%2F2%3D`,
        `GET ${A}/r2/buckets?cursor=c%2B%2F4%3D`,
        `GET ${A}/queues?page=1`,
        `GET ${A}/queues?page=2`,
        `GET ${A}/queues?page=3`,
        `GET ${A}/tokens?per_page=50&page=1`,
        `GET ${A}/tokens?per_page=50&page=2`,
        `GET ${A}/tokens?per_page=50&page=3`,
        `GET ${A}/workers/scripts/edgeflow/secrets`,
      ]);
      expect(result!.kvNamespaces).toEqual({ POINTERS: 'ns-edgeflow-POINTERS' });
      expect(result!.queues).toEqual({
        'edgeflow-events': 'id-edgeflow-events',
        'edgeflow-events-dlq': 'id-edgeflow-events-dlq',
      });
      expect([paged.namespaces, paged.buckets, paged.queues, paged.tokens].map((l) => l.length)).toEqual([5, 5, 5, 5]);
    } finally {
      await paged.stop();
    }
  });

  it('keeps the namespace wrangler.toml already names, whatever its title', async () => {
    cf.namespaces.push({ id: 'c0ffee00c0ffee00c0ffee00c0ffee00', title: 'made-by-hand' });
    writeFileSync(config, original.replace('id = "edgeflow-pointers"', 'id = "c0ffee00c0ffee00c0ffee00c0ffee00"'));
    const before = readFileSync(config, 'utf8');
    const { result, out } = await run();
    expect(result!.kvNamespaces).toEqual({ POINTERS: 'c0ffee00c0ffee00c0ffee00c0ffee00' });
    expect(cf.namespaces).toHaveLength(1);
    expect(readFileSync(config, 'utf8')).toBe(before);
    expect(out).toContain('wrangler.toml: unchanged');
  });

  it('sets the secret on a deployed worker without uploading a placeholder', async () => {
    cf.scripts.set('edgeflow', { metadata: { main_module: 'index.js' }, modules: {}, secrets: new Map() });
    await run();
    expect(cf.requests.filter((r) => r.path === `${A}/workers/scripts/edgeflow`)).toEqual([]);
    expect(cf.scripts.get('edgeflow')!.metadata).toEqual({ main_module: 'index.js' });
    expect([...cf.scripts.get('edgeflow')!.secrets.keys()]).toEqual(['INGEST_TOKEN']);
  });

  it('an API error stops at its step with one line naming it; wrangler.toml is the old file or the whole new one', async () => {
    cf.inject((r) => r.method === 'POST' && r.path.endsWith('/storage/kv/namespaces'), 403, {
      success: false,
      errors: [{ code: 10000, message: 'Authentication error' }],
      messages: [],
      result: null,
    });
    const first = await run();
    expect(first.error).toBeInstanceOf(SetupStepError);
    expect((first.error as SetupStepError).step).toBe('KV namespaces');
    expect((first.error as Error).message).toBe(
      `KV namespaces: POST ${A}/storage/kv/namespaces failed: HTTP 403: Authentication error [code 10000]`,
    );
    expect(readFileSync(config, 'utf8')).toBe(original);
    expect(readdirSync(dir)).toEqual(['wrangler.toml']);
    expect(first.out.join('\n')).not.toContain('SECRETS');

    // a failure after the KV step: the ids are in, the file reads back whole
    cf.inject((r) => r.method === 'POST' && r.path.endsWith('/queues'), 200, {
      success: false,
      errors: [{ code: 11000, message: 'Queues are not enabled on this account' }],
      messages: [],
      result: null,
    });
    const second = await run();
    expect((second.error as Error).message).toBe(
      `queues: POST ${A}/queues failed: HTTP 200: Queues are not enabled on this account [code 11000]`,
    );
    expect(readFileSync(config, 'utf8')).toBe(
      original.replace('id = "edgeflow-pointers"', `id = "${cf.namespaces[0]!.id}"`),
    );
    expect(readdirSync(dir)).toEqual(['wrangler.toml']);

    // the run after that picks up where it stopped
    const third = await run();
    expect(third.error).toBeUndefined();
    expect(cf.namespaces).toHaveLength(1);
    expect(cf.queues.map((q) => q.queue_name)).toEqual(['edgeflow-events', 'edgeflow-events-dlq']);
  });

  it('prints the secrets it made even when a later step fails', async () => {
    cf.inject((r) => r.method === 'GET' && r.path.endsWith('/secrets'), 500, 'upstream timeout');
    const { error, out } = await run();
    expect((error as Error).message).toBe(
      `worker secret INGEST_TOKEN: GET ${A}/workers/scripts/edgeflow/secrets failed: HTTP 500: not a Cloudflare API answer: upstream timeout`,
    );
    const [token] = cf.tokens;
    expect(out.slice(-5)).toEqual([
      "==== SECRETS, shown this once: put them in the tracker's environment now (Cloudflare never shows them again) ====",
      `  CLOUDFLARE_API_TOKEN=${token!.value}`,
      `  R2_ACCESS_KEY_ID=${token!.id}`,
      `  R2_SECRET_ACCESS_KEY=${createHash('sha256').update(token!.value).digest('hex')}`,
      '==== end of secrets ====',
    ]);
  });

  it('as a command: reads its inputs from the environment, exits 1 with one line on an API error, 2 without inputs', async () => {
    const exec = async (env: Record<string, string>) => {
      const clean = { ...process.env };
      for (const name of ['CLOUDFLARE_ACCOUNT_ID', 'CLOUDFLARE_API_TOKEN', 'CLOUDFLARE_API_BASE_URL'])
        delete clean[name];
      try {
        const { stdout, stderr } = await promisify(execFile)(
          process.execPath,
          ['--import', 'tsx', join(ROOT, 'scripts/setup-cloudflare.ts'), '--config', config],
          { cwd: ROOT, env: { ...clean, ...env } },
        );
        return { code: 0, stdout, stderr };
      } catch (error) {
        const e = error as { code: number; stdout: string; stderr: string };
        return { code: e.code, stdout: e.stdout, stderr: e.stderr };
      }
    };
    const none = await exec({});
    expect(none.code).toBe(2);
    expect(none.stderr.split('\n')[0]).toBe(
      'CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_API_TOKEN must be set (from the environment, never the repo)',
    );
    expect(cf.requests).toEqual([]);

    const wrong = await exec({
      CLOUDFLARE_ACCOUNT_ID: ACCOUNT,
      CLOUDFLARE_API_TOKEN: 'not-the-token',
      CLOUDFLARE_API_BASE_URL: cf.apiUrl,
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe(
      `setup:cloudflare failed at KV namespaces: GET ${A}/storage/kv/namespaces failed: HTTP 400: Authentication error [code 10000]\n`,
    );
    expect(cf.requests.map((r) => r.headers.authorization)).toEqual(['Bearer not-the-token']);
    expect(wrong.stdout).not.toContain('not-the-token');
    expect(readFileSync(config, 'utf8')).toBe(original);
  });
});
