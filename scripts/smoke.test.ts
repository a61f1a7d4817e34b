// The smoke check against the real worker: the bundle `wrangler deploy` would upload, run in workerd by
// Miniflare on loopback, with R2/KV seeded as promotion leaves them and API keys required.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, pointerKey } from '../contracts/index.ts';
import { buildBenchModel } from './bench/edge-models.ts';
import { bundleOptions } from './bench/edge-proc.ts';
import { buildWorker } from './build-worker.ts';
import { smoke, smokeOptions } from './smoke.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MODEL = 'smoke-model';

/** `npm run smoke -- …args` as a process: its exit code and output. */
async function runSmoke(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'scripts/smoke.ts'), ...args],
      { cwd: ROOT, env: { ...process.env, ...env } },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('npm run smoke against the worker in workerd', () => {
  let outdir: string;
  let mf: Miniflare;
  let url: string;
  let apiKey: string;

  beforeAll(async () => {
    outdir = await mkdtemp(join(tmpdir(), 'edgeflow-smoke-'));
    await buildWorker(outdir);
    mf = new Miniflare(
      bundleOptions(outdir, {
        DEFAULT_MODEL: MODEL,
        POINTER_TTL_MS: '2000',
        REQUIRE_API_KEY: 'true',
        MONITOR_SAMPLE_RATE: '0',
      }),
    );
    url = (await mf.ready).toString().replace(/\/$/, '');
    const model = await buildBenchModel(MODEL, '3', [4, 8, 1], 7);
    const bucket = await mf.getR2Bucket('MODELS');
    for (const [file, bytes] of Object.entries(model.files)) await bucket.put(model.pointer.artifacts + file, bytes);
    const kv = await mf.getKVNamespace('POINTERS');
    await kv.put(pointerKey(MODEL), JSON.stringify(model.pointer));
    ({ key: apiKey } = await createApiKey(kv, 'smoke test'));
  }, 120_000);

  afterAll(async () => {
    await mf?.dispose();
    if (outdir) await rm(outdir, { recursive: true, force: true });
  });

  it('passes with the promoted version, its number and the latency', async () => {
    const result = await smoke({ url, model: MODEL, apiKey });
    expect(result.version).toBe('3');
    expect(result.prediction).toMatchObject({ model: MODEL, version: '3' });
    expect([0, 1]).toContain(result.prediction.prediction);
    expect(result.prediction.probability).toBeGreaterThanOrEqual(0);
    expect(result.prediction.probability).toBeLessThanOrEqual(1);
    expect(result.latencyMs).toBeGreaterThan(0);
  });

  it('as a command: exit 0 and one line, the key read from the variable --api-key-env names', async () => {
    const run = await runSmoke(['--url', `${url}/`, '--model', MODEL, '--api-key-env', 'SMOKE_KEY'], {
      SMOKE_KEY: apiKey,
    });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(
      /^smoke passed: smoke-model version 3 answered in \d+ ms \(prediction [01], probability [01]\.\d{4}\)\n$/,
    );
  });

  it('as a command: exit 1 and what the worker said when no version of the model was promoted', async () => {
    const run = await runSmoke(['--url', url, '--model', 'never-promoted', '--api-key-env', 'SMOKE_KEY'], {
      SMOKE_KEY: apiKey,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `smoke failed: GET ${url}/v1/models/never-promoted answered 404 model_not_found: model "never-promoted" does not exist\n`,
    );
  });

  it('fails on the 401 when the worker requires an API key and none is sent', async () => {
    await expect(smoke({ url, model: MODEL })).rejects.toThrow(
      `GET ${url}/v1/models/${MODEL} answered 401 api_key_required: this endpoint needs an API key`,
    );
    await expect(smoke({ url, model: MODEL, apiKey: 'ef_not-a-key' })).rejects.toThrow(
      /answered 401 api_key_invalid: the API key is not valid/,
    );
  });
});

describe('npm run smoke, bounded and strict', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    // accepts every request and never answers
    server = createServer(() => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('gives up on a worker that does not answer after --timeout-ms', async () => {
    await expect(smoke({ url, model: MODEL, timeoutMs: 200 })).rejects.toThrow(
      `GET ${url}/v1/models/${MODEL}: no answer within 200 ms`,
    );
  });

  it('refuses incomplete command lines with what is missing', () => {
    expect(() => smokeOptions(['--url', url], {})).toThrow('--url and --model are required');
    expect(() => smokeOptions(['--url', 'example.com', '--model', 'm'], {})).toThrow('must be an http(s) URL');
    expect(() => smokeOptions(['--url', url, '--model', 'm', '--api-key-env', 'NOPE'], {})).toThrow(
      '--api-key-env names NOPE, which is not set',
    );
    expect(() => smokeOptions(['--url', url, '--model', 'm', '--model-version', '2'], {})).toThrow(/model-version/);
    expect(
      smokeOptions(['--url', url, '--model', 'm', '--api-key-env', 'K', '--timeout-ms', '500'], { K: 'k' }),
    ).toEqual({ url, model: 'm', apiKey: 'k', timeoutMs: 500 });
  });
});
