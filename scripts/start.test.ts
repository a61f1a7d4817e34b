// End to end on real processes: the tracker (Node, libSQL file) and `wrangler dev` (workerd, simulated
// R2/KV) on free ports, talking over real HTTP; the model is trained here, logged, registered, promoted,
// served, replaced and rolled back. Then `npm start` itself as a process (start.ts run by node): signals
// at every stage, a killed tracker, a killed supervisor, ports in use — checked in /proc and on the ports.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_JSON_FILE, SIGNATURE_FILE } from '../contracts/index.ts';
import { TrackerClient } from '../tracker/client/index.ts';
import { hasExited, listProcesses, type ProcessEntry } from '../tracker/src/edge/process-table.ts';
import type { ModelFiles } from './lib/model-files.ts';
import {
  loadModelFromFiles,
  predictWithSignature,
  readModelJson,
  readSignature,
  weightPaths,
} from './lib/model-files.ts';
import { assertPortsFree, freePort, type LoopConfig, sleep, startTracker } from './services.ts';
import { DEMO_MODEL, type Loop, startLoop } from './start.ts';
import { trainAndLog } from './train.ts';

// A small, quick model: the loop is under test here, not the model's quality.
const SMALL = { nSamples: 1200, epochs: 3, hiddenUnits: [16, 8] };
const POINTER_TTL_MS = 2000; // wrangler.toml's POINTER_TTL_MS

/** A loop configuration on free loopback ports with its data and state in a new temp folder. */
async function tempLoop(prefix: string): Promise<{ dir: string; cfg: LoopConfig }> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const cfg: LoopConfig = {
    trackerHost: '127.0.0.1',
    trackerPort: await freePort(),
    workerPort: await freePort(),
    dataDir: join(dir, 'data'),
    stateDir: join(dir, 'state'),
    ingestToken: 'e2e-ingest-token',
  };
  return { dir, cfg };
}

describe('the whole loop on real processes', () => {
  let dir: string;
  let cfg: LoopConfig;
  let loop: Loop;
  const logs: string[] = [];

  beforeAll(async () => {
    ({ dir, cfg } = await tempLoop('edgeflow-e2e-'));
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
    const rows = inputs(signature.sample as number[], 5);
    const expected = await predictWithSignature(model, signature, rows);
    for (let i = 0; i < rows.length; i++) {
      const answer = await predict(loop, rows[i]);
      expect(answer.version).toBe('1');
      expect(answer.probability).toBeCloseTo(expected[i], 5);
      expect(Math.abs(answer.probability - expected[i])).toBeLessThan(1e-5);
    }
  });

  it('records each prediction as an event that reaches the tracker through the queue', async () => {
    const rows = inputs(JSON.parse(loop.sampleBody).features as number[], 3);
    const answers = await Promise.all(rows.map((row) => predict(loop, row)));
    const ids = answers.map((a) => a.prediction_id);
    expect(new Set(ids).size).toBe(3);
    const deadline = Date.now() + 20_000;
    let events: Array<{ prediction_id: string; inputs: number[]; version: string; arm: string }> = [];
    while (Date.now() < deadline) {
      const res = await fetch(
        `${loop.tracker.url}/api/2.0/edgeflow/predictions/search?model=${DEMO_MODEL}&max_results=1000`,
      );
      events = ((await res.json()) as { events: typeof events }).events.filter((e) => ids.includes(e.prediction_id));
      if (events.length === ids.length) break;
      await sleep(200);
    }
    expect(events.map((e) => e.prediction_id).sort()).toEqual([...ids].sort());
    for (const e of events) {
      expect(e).toMatchObject({ version: '1', arm: 'live' });
      expect(e.inputs).toEqual(rows[ids.indexOf(e.prediction_id)]);
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

describe('npm start as a process: signals, crashes, ports', () => {
  let dir: string;
  let cfg: LoopConfig;
  const started: StartProcess[] = [];

  beforeAll(async () => {
    // A filled registry (version 1 live, version 2 registered), so that no start trains.
    ({ dir, cfg } = await tempLoop('edgeflow-start-'));
    const tracker = await startTracker(cfg);
    try {
      const client = new TrackerClient({ baseUrl: tracker.url });
      await trainAndLog(client, { ...SMALL, model: DEMO_MODEL, promote: true });
      await trainAndLog(client, { ...SMALL, seed: 7, model: DEMO_MODEL, register: true });
    } finally {
      await tracker.stop();
    }
  }, 240_000);

  afterAll(async () => {
    for (const s of started) killStack(s.child.pid!);
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (env?: Record<string, string>) => {
    const s = runStart(cfg, env);
    started.push(s);
    return s;
  };

  it.each([
    ['SIGTERM', 'right after the spawn', undefined],
    ['SIGINT', 'once the tracker process runs', 'dist/tracker.js'],
    ['SIGHUP', 'once the tracker process runs', 'dist/tracker.js'],
    ['SIGTERM', 'once wrangler dev runs (the tracker is up)', 'wrangler'],
  ] as const)(
    '%s %s stops what has started and leaves nothing behind',
    async (signal, _when, waitFor) => {
      const start = run();
      const pid = start.child.pid!;
      if (waitFor) await until(() => childOf(pid, waitFor), 60_000, `a child running ${waitFor}`);
      const seen = stackOf(pid);
      process.kill(pid, signal);
      const exit = await start.exited;
      if (waitFor) {
        expect(exit, start.output()).toEqual({ code: 0, signal: null });
        expect(start.output()).toContain(`${signal}: stopping edgeflow`);
      }
      expect(start.output()).not.toContain('edgeflow is running');
      await expectNothingLeft([...seen, ...stackOf(pid)], cfg);
    },
    90_000,
  );

  it('restarts a SIGKILLed tracker while the worker keeps serving; a SIGKILLed supervisor takes every child along', async () => {
    const start = run();
    const pid = start.child.pid!;
    await start.waitFor(/edgeflow is running/, 150_000);
    const body = /-d '(\{.*\})'/.exec(start.output())![1]!;
    const predict = () =>
      fetch(`http://127.0.0.1:${cfg.workerPort}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });

    const tracker = childOf(pid, 'dist/tracker.js')!;
    const trackerGroup = listProcesses().filter((p) => p.pgid === tracker.pid);
    expect(trackerGroup.length, 'the tracker and its workerd').toBeGreaterThan(1);
    process.kill(tracker.pid, 'SIGKILL');
    let answered = 0;
    const deadline = Date.now() + 60_000;
    while (!start.output().includes('tracker is running again') && Date.now() < deadline) {
      const res = await predict();
      expect(res.status, await res.text()).toBe(200);
      answered++;
      await sleep(100);
    }
    expect(answered, 'predictions while the tracker was down').toBeGreaterThan(0);
    expect(start.output()).toMatch(/tracker was killed by SIGKILL[\s\S]*tracker: starting it again in 1 s/);
    expect(start.output()).toMatch(/tracker is running again/);
    // Nothing of the killed tracker's group is left: its workerd went with it.
    await expectNothingLeft(trackerGroup);
    expect((await fetch(`http://127.0.0.1:${cfg.trackerPort}/health`)).status).toBe(200);
    expect((await predict()).status).toBe(200);

    // The scripts find this tracker through EDGEFLOW_TRACKER_PORT.
    const env: NodeJS.ProcessEnv = { ...process.env, EDGEFLOW_TRACKER_PORT: String(cfg.trackerPort) };
    delete env.MLFLOW_TRACKING_URI;
    const promote = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'scripts/promote.ts'), DEMO_MODEL, '2'],
      { cwd: ROOT, env },
    );
    expect(promote.stdout).toMatch(/fraud-detector: version 1 → 2 is live/);

    const seen = stackOf(pid);
    expect(seen.filter((p) => p.pgid === p.pid).length, 'the tracker and the worker groups').toBe(2);
    process.kill(pid, 'SIGKILL');
    await expectNothingLeft(seen, cfg, 15_000);
  }, 240_000);

  it('SIGHUP once it is up stops the tracker, the worker and their workerds', async () => {
    const start = run();
    const pid = start.child.pid!;
    await start.waitFor(/edgeflow is running/, 150_000);
    const seen = stackOf(pid);
    expect(seen.filter((p) => readCmdline(p.pid).includes('workerd')).length).toBeGreaterThanOrEqual(2);
    process.kill(pid, 'SIGHUP');
    expect(await start.exited).toEqual({ code: 0, signal: null });
    expect(start.output()).toContain('SIGHUP: stopping edgeflow');
    await expectNothingLeft(seen, cfg);
  }, 240_000);

  it.each([
    ['tracker', 'EDGEFLOW_TRACKER_PORT'],
    ['worker', 'EDGEFLOW_WORKER_PORT'],
  ] as const)(
    'a port in use (the %s) is one line naming it and %s, and a non-zero exit',
    async (which, variable) => {
      const port = which === 'tracker' ? cfg.trackerPort : cfg.workerPort;
      const holder = await listenOn(port);
      try {
        const start = run();
        expect((await start.exited).code).toBe(1);
        const lines = start.output().trim().split('\n');
        expect(lines, start.output()).toHaveLength(1);
        expect(lines[0]).toContain(`port ${port}`);
        expect(lines[0]).toContain(variable);
      } finally {
        await new Promise((r) => holder.close(r));
      }
    },
    60_000,
  );

  it('a tracker host beyond loopback is one line saying why and what to do instead, and a non-zero exit', async () => {
    const start = run({ EDGEFLOW_TRACKER_HOST: '0.0.0.0' });
    expect((await start.exited).code).toBe(1);
    const lines = start.output().trim().split('\n');
    expect(lines, start.output()).toHaveLength(1);
    expect(lines[0]).toMatch(/^EDGEFLOW_TRACKER_HOST=0\.0\.0\.0 would let other machines reach the tracker/);
    expect(lines[0]).toContain('reverse proxy');
  }, 60_000);
});

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** `npm start` — start.ts under node, as `tsx scripts/start.ts` runs it — as a child of this test. */
interface StartProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitFor(pattern: RegExp, timeoutMs: number): Promise<void>;
}

function runStart(cfg: LoopConfig, env: Record<string, string> = {}): StartProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/start.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      EDGEFLOW_TRACKER_HOST: cfg.trackerHost,
      EDGEFLOW_TRACKER_PORT: String(cfg.trackerPort),
      EDGEFLOW_WORKER_PORT: String(cfg.workerPort),
      EDGEFLOW_DATA_DIR: cfg.dataDir,
      EDGEFLOW_STATE_DIR: cfg.stateDir,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => output,
    exited,
    waitFor: (pattern, timeoutMs) =>
      until(
        () => {
          if (pattern.test(output)) return true;
          if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited:\n${output}`);
          return false;
        },
        timeoutMs,
        `${pattern} in the output:\n${output}`,
      ).then(() => {}),
  };
}

async function until<T>(probe: () => T | undefined | false, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms`);
    await sleep(20);
  }
}

function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}

/** The running child of `pid` whose command line holds `fragment`. */
function childOf(pid: number, fragment: string): ProcessEntry | undefined {
  return listProcesses().find((p) => p.ppid === pid && p.state !== 'Z' && readCmdline(p.pid).includes(fragment));
}

/** The process, its descendants and every member of their own process groups, as they are now. */
function stackOf(pid: number): ProcessEntry[] {
  const all = listProcesses();
  const tree = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (tree.has(p.pid) || !tree.has(p.ppid)) continue;
      tree.add(p.pid);
      grew = true;
    }
  }
  const own = all.find((p) => p.pid === pid)?.pgid; // this test runner's group too: not the stack's
  const groups = new Set(all.filter((p) => tree.has(p.pid) && p.pgid !== own).map((p) => p.pgid));
  return all.filter((p) => tree.has(p.pid) || groups.has(p.pgid));
}

/** Within the time, every process seen has exited, none is left in their groups, and the ports are free. */
async function expectNothingLeft(seen: ProcessEntry[], cfg?: LoopConfig, timeoutMs = 10_000): Promise<void> {
  const groups = new Set(seen.filter((p) => p.pgid === p.pid).map((p) => p.pgid));
  const left = () => [
    ...new Set([
      ...seen.filter((p) => !hasExited(p)).map((p) => p.pid),
      ...listProcesses()
        .filter((p) => groups.has(p.pgid) && !hasExited(p))
        .map((p) => p.pid),
    ]),
  ];
  const deadline = Date.now() + timeoutMs;
  while (left().length && Date.now() < deadline) await sleep(100);
  expect(left().map((pid) => `${pid} ${readCmdline(pid)}`)).toEqual([]);
  if (cfg) await expect(assertPortsFree(cfg)).resolves.toBeUndefined();
}

function killStack(pid: number): void {
  for (const p of stackOf(pid)) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

/** Holds `port` on loopback the way another program would. */
function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(port, '127.0.0.1', () => resolve(srv));
  });
}

interface Answer {
  prediction_id: string;
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
