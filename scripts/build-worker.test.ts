import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pointerKey } from '../contracts/index.ts';
import { buildBenchModel } from './bench/edge-models.ts';
import { bundleOptions } from './bench/edge-proc.ts';
import { BUNDLE_LIMIT, buildWorker, type WorkerBundle } from './build-worker.ts';

describe('the worker bundle as deployed', () => {
  let outdir: string;
  let bundle: WorkerBundle;
  let mf: Miniflare | undefined;

  beforeAll(async () => {
    outdir = await mkdtemp(join(tmpdir(), 'edgeflow-bundle-'));
    bundle = await buildWorker(outdir);
  });
  afterAll(async () => {
    await mf?.dispose();
    await rm(outdir, { recursive: true, force: true });
  });

  it('is one module plus the SIMD WASM, under the gzip limit', () => {
    expect(bundle.files.sort()).toEqual([expect.stringMatching(/tfjs-backend-wasm-simd\.wasm$/), 'index.js']);
    expect(bundle.gzipBytes).toBeLessThan(BUNDLE_LIMIT);
  });

  it("starts in workerd on wrangler.toml's date and flags and predicts on the WASM backend", async () => {
    const model = await buildBenchModel('bundled', '1', [20, 64, 32, 1], 1);
    mf = new Miniflare(bundleOptions(outdir, { DEFAULT_MODEL: 'bundled', EDGEFLOW_BACKEND: 'wasm' }));
    const base = await mf.ready;
    const bucket = await mf.getR2Bucket('MODELS');
    for (const [file, bytes] of Object.entries(model.files)) await bucket.put(model.pointer.artifacts + file, bytes);
    await (await mf.getKVNamespace('POINTERS')).put(pointerKey('bundled'), JSON.stringify(model.pointer));

    const res = await fetch(new URL('/predict', base), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ features: model.row }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ model: 'bundled', version: '1' });
    const metrics = await (await fetch(new URL('/metrics', base))).text();
    expect(metrics).toMatch(/edgeflow_model_loaded_bytes\{model="bundled",version="1",backend="tfjs-wasm"\} \d+/);
  });
});
