/**
 * `npm run bench:flood`: good traffic under a flood of bad bodies, over loopback. For the worker (the bundle as
 * deployed, in workerd through Miniflare's Node API, serving the demo model) and the tracker (its own process,
 * embedded libSQL file in a temp folder): the rate of good requests alone (wrk: demo predictions; reads of a
 * run), then the same while `FLOOD_CONNECTIONS` (default 8) sockets POST 8 MB bodies back to back — declared by
 * Content-Length, then chunked without one. Prints both rates, their ratio and what became of the bad requests
 * (their answers, how long each held a connection, how much of its body got written before the server closed);
 * exits 1 when good traffic keeps under half its rate.
 * `BENCH_SECONDS` (default 4) sets each phase's length.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { pointerKey } from '../contracts/index.ts';
import { buildBenchModel } from './bench/edge-models.ts';
import { bundleOptions } from './bench/edge-proc.ts';
import { runWrk, type WrkTarget } from './bench/edge-wrk.ts';
import { describeOutcomes, type FloodTarget, startFlood } from './bench/flood.ts';
import { printColumns } from './bench/table.ts';
import { BenchClient } from './bench/tracker-http.ts';
import { buildWorker } from './build-worker.ts';
import { freePort, sleep, startTracker } from './services.ts';

const SECONDS = Math.max(1, Number(process.env.BENCH_SECONDS ?? 4));
const FLOOD_CONNECTIONS = Math.max(1, Number(process.env.FLOOD_CONNECTIONS ?? 8));
const BAD_BODY_BYTES = 8 * 1024 * 1024;
const GOOD_CONNECTIONS = 10;
/** Good traffic must keep at least this share of its rate under a flood. */
const MIN_RATIO = 0.5;

interface Row {
  what: string;
  alone: number;
  flooded: number;
  note: string;
}
const rows: Row[] = [];

/** Measures `good` alone, then under each flood of bad bodies sent to `badUrl`. */
async function measure(name: string, good: WrkTarget, badUrl: string): Promise<void> {
  await runWrk(good, GOOD_CONNECTIONS, 1); // warm-up
  const alone = await runWrk(good, GOOD_CONNECTIONS, SECONDS);
  console.log(`  ${name}: ${alone.rps.toFixed(0)} req/s alone${alone.errorText ? ` (${alone.errorText})` : ''}`);
  for (const framing of ['content-length', 'chunked'] as const) {
    const target: FloodTarget = { url: badUrl, bodyBytes: BAD_BODY_BYTES, framing, connections: FLOOD_CONNECTIONS };
    const flood = startFlood(target);
    await sleep(300); // the flood at full strength before good traffic is measured
    const flooded = await runWrk(good, GOOD_CONNECTIONS, SECONDS);
    const stats = await flood.stop();
    const mb = stats.bodyBytesSent / stats.requests / 1024 / 1024;
    const ms = stats.busyMs / stats.requests;
    const note = [
      `${stats.requests} bad (${describeOutcomes(stats.outcomes)}); each open ${ms.toFixed(0)} ms, ${mb.toFixed(1)} MB written before the close (socket buffers included)`,
      flooded.errorText ? `good: ${flooded.errorText}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    rows.push({ what: `${name}, 8 MB bodies by ${framing}`, alone: alone.rps, flooded: flooded.rps, note });
    console.log(`  … under ${framing} flood: ${flooded.rps.toFixed(0)} req/s; ${note}`);
  }
}

async function benchWorker(): Promise<void> {
  const outdir = await mkdtemp(join(tmpdir(), 'edgeflow-bundle-'));
  const demo = await buildBenchModel('demo', '1', [20, 64, 32, 1], 1);
  let mf: Miniflare | undefined;
  try {
    await buildWorker(outdir);
    mf = new Miniflare(bundleOptions(outdir, { DEFAULT_MODEL: 'demo', POINTER_TTL_MS: '2000' }));
    const base = (await mf.ready).toString().replace(/\/$/, '');
    const bucket = await mf.getR2Bucket('MODELS');
    for (const [file, bytes] of Object.entries(demo.files)) await bucket.put(demo.pointer.artifacts + file, bytes);
    await (await mf.getKVNamespace('POINTERS')).put(pointerKey('demo'), JSON.stringify(demo.pointer));
    const url = `${base}/v1/models/demo/predict`;
    const good: WrkTarget = { url, body: JSON.stringify({ features: demo.row }) };
    const res = await fetch(url, { method: 'POST', body: good.body, headers: { 'content-type': 'application/json' } });
    if (!res.ok) throw new Error(`the worker answered ${res.status}: ${await res.text()}`);
    console.log(`worker ${base} (demo 20→64→32→1)`);
    await measure('worker: demo predict', good, url);
  } finally {
    await mf?.dispose();
    await rm(outdir, { recursive: true, force: true });
  }
}

async function benchTracker(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'edgeflow-bench-flood-'));
  const tracker = await startTracker({
    trackerHost: '127.0.0.1',
    trackerPort: await freePort(),
    workerPort: 0,
    dataDir: join(dir, 'data'),
    stateDir: join(dir, 'state'),
  });
  const http = new BenchClient(tracker.url);
  try {
    const { experiment_id } = await http.ok('experiments/create', { name: 'flood' });
    const { run } = await http.ok('runs/create', { experiment_id, run_name: 'flood', start_time: Date.now() });
    const runId = run.info.run_id as string;
    await http.ok('runs/log-batch', {
      run_id: runId,
      metrics: Array.from({ length: 10 }, (_, i) => ({ key: `m${i}`, value: i, timestamp: Date.now(), step: 0 })),
      params: Array.from({ length: 10 }, (_, i) => ({ key: `p${i}`, value: String(i) })),
    });
    console.log(`tracker ${tracker.url}`);
    await measure(
      'tracker: runs/get',
      { url: `${tracker.url}/api/2.0/mlflow/runs/get?run_id=${runId}` },
      `${tracker.url}/api/2.0/mlflow/runs/log-batch`,
    );
  } finally {
    http.close();
    await tracker.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Prints the table; returns whether a ratio is under `MIN_RATIO`. */
function printTable(): boolean {
  const lines = rows.map((r) => {
    const ratio = r.flooded / r.alone;
    return [
      r.what,
      r.alone.toFixed(0),
      r.flooded.toFixed(0),
      ratio.toFixed(2),
      ratio >= MIN_RATIO ? 'pass' : 'FAIL',
      r.note,
    ];
  });
  const head = ['good traffic, flood', 'alone req/s', 'flooded req/s', 'ratio', `≥ ${MIN_RATIO}`, 'bad requests'];
  printColumns(head, lines);
  return rows.some((r) => !(r.flooded / r.alone >= MIN_RATIO));
}

async function main(): Promise<void> {
  console.log(
    `${FLOOD_CONNECTIONS} flood sockets of ${BAD_BODY_BYTES / 1024 / 1024} MB bodies, ${GOOD_CONNECTIONS} good connections, ${SECONDS} s a phase`,
  );
  await benchWorker();
  await benchTracker();
  if (printTable()) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(`bench:flood failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
