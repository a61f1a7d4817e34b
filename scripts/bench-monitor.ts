/**
 * `npm run bench:monitor`: starts the real tracker (its own process, embedded libSQL file in a temp
 * folder, an ingest token), registers a 20-input version with a training reference.json, posts
 * `BENCH_EVENTS` (default 1,000,000) in-distribution prediction events spread over one hour through
 * `predictions/log-batch` (1,000 a request, 4 in flight; each batch also updates the rollups), counts
 * them in the database, then times `monitoring/drift` over that hour (read from the rollups) and
 * reports the largest PSI of any input (false alarms: < 0.1). Exits 1 when a target is missed.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { buildReferenceProfile, REFERENCE_FILE, SIGNATURE_FILE } from '../contracts/index.ts';
import { TrackerClient } from '../tracker/client/index.ts';
import type { DriftReport } from '../tracker/src/monitoring/drift-report.ts';
import { printColumns } from './bench/table.ts';
import { BenchClient, pool } from './bench/tracker-http.ts';
import { createRng } from './lib/random.ts';
import { freePort, startTracker } from './services.ts';

const EVENTS = Math.max(1000, Number(process.env.BENCH_EVENTS ?? 1_000_000));
const FEATURES = 20;
const BATCH = 1000;
const IN_FLIGHT = 4;
const HOUR = 3_600_000;
const MODEL = 'bench-monitor';

function rows(seed: number, n: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Array.from({ length: FEATURES }, (_, f) => f + (1 + f / 10) * rng.normal()));
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'edgeflow-bench-monitor-'));
  const port = await freePort();
  const token = randomBytes(16).toString('hex');
  const tracker = await startTracker({
    trackerHost: '127.0.0.1',
    trackerPort: port,
    workerPort: 0,
    dataDir: join(dir, 'data'),
    stateDir: join(dir, 'state'),
    ingestToken: token,
  });
  const http = new BenchClient(tracker.url);
  const db = createClient({ url: `file:${join(dir, 'data', 'tracker.db')}` });
  const results: string[][] = [];
  let failed = false;
  const row = (name: string, value: string, target: string, pass: boolean) => {
    results.push([name, value, target, pass ? 'pass' : 'FAIL']);
    if (!pass) failed = true;
  };
  try {
    const names = Array.from({ length: FEATURES }, (_, f) => `f${f}`);
    const reference = buildReferenceProfile({
      source: 'training',
      names,
      rows: rows(1, 4000),
      output: { field: 'probability', values: rows(2, 800).map((r) => 1 / (1 + Math.exp(-r[0]!))) },
    });
    const signature = {
      inputs: names.map((name) => ({ name, dtype: 'float32' })),
      output: { kind: 'binary', threshold: 0.5, labels: ['no', 'yes'] },
      format: 'tfjs-layers',
      sample: new Array(FEATURES).fill(0),
    };
    const client = new TrackerClient({ baseUrl: tracker.url });
    const experimentId = await client.getOrCreateExperiment('bench-monitor');
    const run = await client.createRun({ experimentId, runName: 'reference' });
    await client.logArtifact(run.run_id, `model/${SIGNATURE_FILE}`, JSON.stringify(signature), 'application/json');
    await client.logArtifact(run.run_id, `model/${REFERENCE_FILE}`, JSON.stringify(reference), 'application/json');
    await client.ensureRegisteredModel(MODEL);
    const version = String(
      (await client.createModelVersion({ name: MODEL, source: `runs:/${run.run_id}/model`, runId: run.run_id }))
        .version,
    );

    // Bodies are built by concatenation from a pool of serialized rows, so the load generator stays cheap.
    const pool_ = rows(3, 10_000).map((r) => JSON.stringify(r));
    const probabilities = rows(3, 10_000).map((r) => 1 / (1 + Math.exp(-r[0]!)));
    const t0 = Date.now() - HOUR;
    const body = (b: number) => {
      const parts: string[] = [];
      for (let i = b * BATCH; i < Math.min(EVENTS, (b + 1) * BATCH); i++) {
        const k = i % pool_.length;
        const p = probabilities[k]!;
        parts.push(
          `{"prediction_id":"b${i}","model":"${MODEL}","version":"${version}","arm":"live","time":${t0 + Math.floor((i * HOUR) / EVENTS)},"inputs":${pool_[k]},"output":{"prediction":${p >= 0.5 ? 1 : 0},"probability":${p}},"latency_ms":${1 + (i % 7) * 0.5},"status":200}`,
        );
      }
      return `{"events":[${parts.join(',')}]}`;
    };
    const auth = { authorization: `Bearer ${token}` };
    const batches = Math.ceil(EVENTS / BATCH);
    let failure: string | undefined;
    const started = performance.now();
    await pool(batches, IN_FLIGHT, async (b) => {
      const r = await http.send('POST', '/api/2.0/edgeflow/predictions/log-batch', body(b), auth);
      if (r.status !== 200) failure ??= `log-batch ${r.status}: ${JSON.stringify(r.body).slice(0, 200)}`;
    });
    const seconds = (performance.now() - started) / 1000;
    const stored = Number((await db.execute('SELECT count(*) AS n FROM prediction_events')).rows[0]!.n);
    const rate = EVENTS / seconds;
    row(
      `ingest ${EVENTS.toLocaleString('en-US')} events × ${FEATURES} inputs (+ rollups), ${IN_FLIGHT} in flight`,
      `${Math.round(rate).toLocaleString('en-US')} events/s${failure ? ` (${failure})` : ''}${stored !== EVENTS ? ` (${EVENTS - stored} lost)` : ''}`,
      '≥ 50,000 events/s',
      !failure && stored === EVENTS && rate >= 50_000,
    );

    const query = `/api/2.0/edgeflow/monitoring/drift?name=${MODEL}&version=${version}&start_time=${t0}&end_time=${t0 + HOUR}`;
    const times: number[] = [];
    let last: DriftReport | undefined;
    for (let i = 0; i < 11; i++) {
      const t = performance.now();
      const r = await http.send('GET', query);
      if (r.status !== 200) throw new Error(`drift answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
      if (i) times.push(performance.now() - t);
      last = r.body as DriftReport;
    }
    if (!last?.features || !last.output) throw new Error('drift answered without features');
    times.sort((a, b) => a - b);
    const median = times[times.length >> 1]!;
    row(
      `drift over ${last.binned.toLocaleString('en-US')} events, ${last.features.length} inputs + output (rollups)`,
      `${median.toFixed(1)} ms`,
      '< 100 ms',
      median < 100 && last.binned === EVENTS,
    );
    const maxPsi = Math.max(...last.features.map((f) => f.psi ?? Number.POSITIVE_INFINITY));
    row(
      'in-distribution traffic: largest PSI of any input, drifted inputs',
      `${maxPsi.toFixed(4)}, ${last.drifted_features}`,
      '< 0.1, 0',
      maxPsi < 0.1 && last.drifted_features === 0,
    );
  } finally {
    http.close();
    db.close();
    await tracker.stop();
    await rm(dir, { recursive: true, force: true });
  }
  printColumns(['case', 'measured', 'target', 'result'], results);
  if (failed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error('bench:monitor failed:', error);
  process.exitCode = 1;
});
