// End to end on real processes: the tracker (Node, libSQL file) and `wrangler dev` (workerd, simulated
// R2/KV) on free ports, talking over real HTTP; the model is trained here, logged, registered, promoted,
// served, replaced and rolled back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_JSON_FILE, SIGNATURE_FILE } from '../contracts/index.ts';
import type { TrackerClient } from '../tracker/client/index.ts';
import type { ModelFiles } from './lib/model-files.ts';
import {
  loadModelFromFiles,
  predictWithSignature,
  readModelJson,
  readSignature,
  weightPaths,
} from './lib/model-files.ts';
import { freePort, type LoopConfig, sleep } from './services.ts';
import { DEMO_MODEL, type Loop, startLoop } from './start.ts';
import { trainAndLog } from './train.ts';

// A small, quick model: the loop is under test here, not the model's quality.
const SMALL = { nSamples: 1200, epochs: 3, hiddenUnits: [16, 8] };
const POINTER_TTL_MS = 2000; // wrangler.toml's POINTER_TTL_MS

describe('the whole loop on real processes', () => {
  let dir: string;
  let cfg: LoopConfig;
  let loop: Loop;
  const logs: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edgeflow-e2e-'));
    cfg = {
      trackerPort: await freePort(),
      workerPort: await freePort(),
      dataDir: join(dir, 'data'),
      stateDir: join(dir, 'state'),
    };
    loop = await startLoop(cfg, { log: (l) => logs.push(l), train: SMALL });
  }, 240_000);

  afterAll(async () => {
    await loop?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('trains, registers and promotes version 1 when the registry is empty', async () => {
    expect(loop.version).toBe('1');
    expect(logs.join('\n')).toMatch(/training the demo model/);
    const live = await loop.client.getModelVersionByAlias(DEMO_MODEL, 'production');
    expect(live?.version).toBe('1');
  });

  it('answers with the same probability as the same model run in Node (1e-5)', async () => {
    const files = await versionFiles(loop, '1');
    const model = await loadModelFromFiles(files);
    const signature = readSignature(files);
    const rows = inputs(signature.sample, 5);
    const expected = await predictWithSignature(model, signature, rows);
    for (let i = 0; i < rows.length; i++) {
      const answer = await predict(loop, rows[i]);
      expect(answer.version).toBe('1');
      expect(answer.probability).toBeCloseTo(expected[i], 5);
      expect(Math.abs(answer.probability - expected[i])).toBeLessThan(1e-5);
    }
  });

  it('serves version 2 within the pointer TTL of promoting it, and version 1 again after a rollback', async () => {
    const v2 = await trainAndLog(loop.client, { ...SMALL, seed: 7, model: DEMO_MODEL, register: true });
    expect(v2.version).toBe('2');
    const row = JSON.parse(loop.sampleBody).features as number[];
    expect((await predict(loop, row)).version).toBe('1'); // registered is not live

    const promotedAt = Date.now();
    await loop.client.setAlias(DEMO_MODEL, 'production', '2');
    const servedAfter = await waitForVersion(loop, row, '2');
    // The pointer is trusted for its TTL, then the new version loads while the old one answers.
    expect(servedAfter - promotedAt).toBeLessThan(POINTER_TTL_MS + 3000);

    const expected2 = await predictWithSignature(v2.layersModel, v2.signature, [row]);
    expect(Math.abs((await predict(loop, row)).probability - expected2[0])).toBeLessThan(1e-5);

    const { pointer } = await loop.client.getDeployment(DEMO_MODEL);
    expect(pointer).toMatchObject({ version: '2', previous: '1' });

    await loop.client.rollback(DEMO_MODEL);
    await waitForVersion(loop, row, '1');
    const after = await loop.client.getDeployment(DEMO_MODEL);
    expect(after.pointer).toMatchObject({ version: '1', previous: '2' });
    expect(after.history.map((h) => [h.kind, h.from_version ?? null, h.to_version])).toEqual([
      ['rollback', '2', '1'],
      ['promote', '1', '2'],
      ['promote', null, '1'],
    ]);
  });

  it('refuses to promote a version without model files, and keeps serving the live one', async () => {
    const run = await loop.client.createRun({ experimentId: '0', runName: 'no-artifacts' });
    const empty = await loop.client.createModelVersion({
      name: DEMO_MODEL,
      source: `runs:/${run.run_id}/model`,
      runId: run.run_id,
    });
    await expect(loop.client.setAlias(DEMO_MODEL, 'production', empty.version)).rejects.toMatchObject({
      errorCode: 'INVALID_PARAMETER_VALUE',
    });
    expect((await loop.client.getDeployment(DEMO_MODEL)).pointer?.version).toBe('1');
    const row = JSON.parse(loop.sampleBody).features as number[];
    await sleep(POINTER_TTL_MS + 200);
    expect((await predict(loop, row)).version).toBe('1');
  });

  it('starts again on the filled registry without training', async () => {
    await loop.stop();
    const again: string[] = [];
    loop = await startLoop(cfg, { log: (l) => again.push(l) });
    expect(again.join('\n')).not.toMatch(/training/);
    expect(again.join('\n')).toMatch(/version 1 is live/);
    expect(loop.version).toBe('1');
  }, 120_000);
});

interface Answer {
  prediction: number;
  probability: number;
  version: string;
}

async function predict(loop: Loop, features: number[]): Promise<Answer> {
  const res = await fetch(`${loop.worker.url}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ features }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Answer;
}

async function waitForVersion(loop: Loop, features: number[], version: string, timeoutMs = 15_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await predict(loop, features)).version === version) return Date.now();
    await sleep(50);
  }
  throw new Error(`version ${version} was not served within ${timeoutMs} ms`);
}

/** Downloads a version's files through the tracker's artifact API, as a user of the registry would. */
async function versionFiles(loop: Loop, version: string): Promise<ModelFiles> {
  const client: TrackerClient = loop.client;
  const mv = await client.getModelVersion(DEMO_MODEL, version);
  const run = await client.getRun(mv.run_id!);
  const base = `${loop.tracker.url}/api/2.0/mlflow-artifacts/artifacts/${run.info.artifact_uri.replace(/^mlflow-artifacts:\//, '')}/model`;
  const get = async (name: string) => {
    const res = await fetch(`${base}/${name}`);
    expect(res.status, name).toBe(200);
    return new Uint8Array(await res.arrayBuffer());
  };
  const files: ModelFiles = {
    [MODEL_JSON_FILE]: await get(MODEL_JSON_FILE),
    [SIGNATURE_FILE]: await get(SIGNATURE_FILE),
  };
  for (const path of weightPaths(readModelJson(files))) files[path] = await get(path);
  return files;
}

/** `n` inputs around a real sample, deterministic. */
function inputs(sample: number[], n: number): number[][] {
  return Array.from({ length: n }, (_, i) => sample.map((x, j) => x + Math.sin(i * 7 + j) * (i % 3)));
}
