/**
 * `npm run bench:tracker`: first times the tracker from its spawn to its first answer (from source under
 * tsx, and built into dist/ by `npm run build`); then starts the real tracker (its own process, embedded
 * libSQL file in a temp folder), loads it over keep-alive HTTP from this process and prints, per case, the
 * median of several repeats against its target; the one-in-flight cases subtract the latency of a server
 * that answers `{}` at once, measured the same way, so what they give is the tracker's own share. Every write case counts the rows afterwards (no point lost) and
 * fails on any non-200 answer ("database is locked" included). `BENCH_REPEATS` (default 5) sets the
 * repeats; `BENCH_SEARCH_RUNS` (default 10000) the runs seeded for search. `BENCH_AUTH=on` runs the
 * tracker with `EDGEFLOW_AUTH=on` and sends every request with the API token of a user who is not an
 * admin (so each request pays the token lookup and the permission check). Exits 1 when a case fails.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@libsql/client';
import { timeToFirstAnswer } from './bench/first-answer.ts';
import { printColumns } from './bench/table.ts';
import {
  type BenchContext,
  createRun,
  hasSearch,
  logBatchManyRuns,
  logBatchOneRun,
  logMetricSingles,
  metricBodies,
  oneInFlightShare,
  readHistory,
  runLifecycle,
  type Sample,
  searchOnce,
  seedHistory,
  seedSearchRuns,
  thousandPointBodies,
} from './bench/tracker-cases.ts';
import { BenchClient } from './bench/tracker-http.ts';
import { buildTracker } from './build-tracker.ts';
import { freePort, startTracker } from './services.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const REPEATS = Math.max(1, Number(process.env.BENCH_REPEATS ?? 5));
/** The target of a 1,000-point log-batch's share, in ms. */
const BATCH_SHARE_MS = 0.5;
const START_REPEATS = Math.min(REPEATS, 3);
const SEARCH_RUNS = Math.max(100, Number(process.env.BENCH_SEARCH_RUNS ?? 10_000));
const AUTH = process.env.BENCH_AUTH === 'on';
const ADMIN_PASSWORD = 'bench-admin-password';

interface Row {
  name: string;
  unit: string;
  /** The target; `higher` means at least, otherwise under. */
  target: number;
  higher: boolean;
  samples: Sample[];
  note?: string;
}

const rows: Row[] = [];

async function measure(
  name: string,
  unit: string,
  target: number,
  higher: boolean,
  once: () => Promise<Sample>,
  repeats = REPEATS,
): Promise<void> {
  const samples: Sample[] = [];
  for (let i = 0; i < repeats; i++) samples.push(await once());
  rows.push({ name, unit, target, higher, samples });
  const values = samples.map((s) => (s.detail ? `${fmt(s.value)} (${s.detail})` : fmt(s.value))).join(', ');
  console.log(
    `  ${name}: ${values} ${unit}${samples.some((s) => s.error) ? ` — ${samples.find((s) => s.error)!.error}` : ''}`,
  );
}

/**
 * From spawning the tracker to its first 200 on `/health`, on a new database (migrations applied) and
 * again on the same one, for each way of running it.
 */
async function startCases(dir: string, commands: { label: string; args: string[]; cwd: string }[]): Promise<void> {
  for (const { label, args, cwd } of commands) {
    for (const db of ['new database', 'existing database'] as const) {
      let n = 0;
      await measure(
        `start → first /health 200, ${label}, ${db}`,
        'ms',
        1000,
        false,
        async () => {
          const data = join(dir, `start-${label.replace(/\W+/g, '-')}-${db === 'new database' ? n++ : 0}`);
          const port = await freePort();
          const env = {
            EDGEFLOW_TRACKER_PORT: String(port),
            EDGEFLOW_DATA_DIR: join(data, 'data'),
            EDGEFLOW_STATE_DIR: join(data, 'state'),
          };
          return { value: await timeToFirstAnswer({ args, cwd, env }, `http://127.0.0.1:${port}`) };
        },
        START_REPEATS,
      );
    }
  }
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'edgeflow-bench-tracker-'));
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const built = await buildTracker(join(ROOT, 'dist'));
  await startCases(dir, [
    { label: 'tsx', args: ['--import', 'tsx', 'tracker/src/main.ts'], cwd: ROOT },
    { label: 'dist', args: [built.script], cwd: ROOT },
  ]);
  const port = await freePort();
  if (AUTH) Object.assign(process.env, { EDGEFLOW_AUTH: 'on', EDGEFLOW_ADMIN_PASSWORD: ADMIN_PASSWORD });
  const tracker = await startTracker({
    trackerHost: '127.0.0.1',
    trackerPort: port,
    workerPort: 0,
    dataDir: join(dir, 'data'),
    stateDir: join(dir, 'state'),
  });
  const http = new BenchClient(
    tracker.url,
    64,
    AUTH ? { authorization: `Bearer ${await benchToken(tracker.url)}` } : {},
  );
  const db = createClient({ url: `file:${join(dir, 'data', 'tracker.db')}` });
  try {
    const exp = await http.ok('experiments/create', { name: 'bench' });
    const ctx: BenchContext = { http, db, experimentId: exp.experiment_id };
    console.log(`tracker ${tracker.url}, data in ${dir}; ${REPEATS} repeats per case; auth ${AUTH ? 'on' : 'off'}`);

    // Warm up the JIT and the HTTP connections.
    await logBatchOneRun(ctx, 20, 2);
    await logMetricSingles(ctx, 500, 16);
    await runLifecycle(ctx, 100, 8);

    const baseline = await startEmptyServer();
    try {
      const runId = await createRun(ctx);
      let step = 0;
      await measure("log-metric, 1 in flight: the tracker's share (ours − a `{}` server)", 'ms', 0.5, false, () => {
        step += 500;
        return oneInFlightShare(ctx, baseline.http, 'runs/log-metric', runId, metricBodies(runId, 500, step), 500);
      });
      const batchRun = await createRun(ctx);
      await measure(
        "log-batch 1,000 points, 1 in flight: the tracker's share (ours − a `{}` server)",
        'ms',
        BATCH_SHARE_MS,
        false,
        () => {
          step += 10_000;
          const bodies = thousandPointBodies(batchRun, 100, step);
          return oneInFlightShare(ctx, baseline.http, 'runs/log-batch', batchRun, bodies, 100_000);
        },
      );
    } finally {
      baseline.stop();
    }
    await measure('log-batch 1,000 points, 1 run, 1 in flight', 'points/s', 80_000, true, () =>
      logBatchOneRun(ctx, 100, 1),
    );
    await measure('log-batch 1,000 points, 1 run, 4 in flight', 'points/s', 80_000, true, () =>
      logBatchOneRun(ctx, 100, 4),
    );
    await measure('log-batch 1,000 points, 8 runs at once', 'points/s', 80_000, true, () =>
      logBatchManyRuns(ctx, 8, 20),
    );
    await measure('log-metric single requests, 16 in flight', 'req/s', 2_000, true, () =>
      logMetricSingles(ctx, 4_000, 16),
    );
    await measure('create + log-batch(2p,2m) + update, 8 in flight', 'runs/s', 500, true, () =>
      runLifecycle(ctx, 1_000, 8),
    );

    const historyRun = await seedHistory(ctx, 100_000);
    await readHistory(ctx, historyRun, 100_000);
    await measure('get-history 100,000 points, all pages', 'ms', 250, false, () =>
      readHistory(ctx, historyRun, 100_000),
    );

    if (await hasSearch(ctx)) {
      const search = await http.ok('experiments/create', { name: 'bench-search' });
      const id = search.experiment_id as string;
      const t = performance.now();
      await seedSearchRuns(ctx, id, SEARCH_RUNS, 8);
      console.log(
        `  seeded ${SEARCH_RUNS} runs × 10 params × 10 metrics in ${((performance.now() - t) / 1000).toFixed(1)} s`,
      );
      const filtered = {
        experiment_ids: [id],
        filter: "metrics.m3 > 0.5 and params.p1 = 'v2'",
        order_by: ['metrics.m5 DESC'],
        max_results: 100,
      };
      const first = { experiment_ids: [id], max_results: 100 };
      const queries = Math.max(REPEATS, 20);
      await searchOnce(ctx, filtered, 1);
      await searchOnce(ctx, first, 100);
      await measure(
        `search-runs ${SEARCH_RUNS} runs, metric+param filter, order by metric`,
        'ms',
        50,
        false,
        () => searchOnce(ctx, filtered, 1),
        queries,
      );
      await measure(
        `search-runs ${SEARCH_RUNS} runs, no filter, first 100`,
        'ms',
        20,
        false,
        () => searchOnce(ctx, first, 100),
        queries,
      );
    } else {
      for (const [name, target] of [
        ['search-runs 10000 runs, metric+param filter, order by metric', 50],
        ['search-runs 10000 runs, no filter, first 100', 20],
      ] as const) {
        rows.push({ name, unit: 'ms', target, higher: false, samples: [], note: 'n/a (endpoint missing)' });
      }
    }
  } finally {
    http.close();
    db.close();
    await tracker.stop();
    await rm(dir, { recursive: true, force: true });
  }
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  if (printTable()) process.exitCode = 1;
}

/** With auth on: a user who is not an admin, and an API token of theirs (made with the admin's password). */
async function benchToken(url: string): Promise<string> {
  const admin = { authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}` };
  const call = async (path: string, body: unknown) => {
    const res = await fetch(url + path, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
    return res.json() as Promise<{ secret: string }>;
  };
  await call('/api/2.0/mlflow/users/create', { username: 'bench', password: 'bench-password' });
  return (await call('/api/2.0/edgeflow/tokens/create', { name: 'bench', username: 'bench' })).secret;
}

/** Prints the table; returns whether any case failed. */
function printTable(): boolean {
  let failed = false;
  const lines = rows.map((r) => {
    if (!r.samples.length)
      return [r.name, r.note ?? 'n/a', '0', `${r.higher ? '≥' : '<'} ${fmt(r.target)} ${r.unit}`, 'n/a'];
    const med = median(r.samples.map((s) => s.value));
    const error = r.samples.find((s) => s.error)?.error;
    const pass = !error && (r.higher ? med >= r.target : med < r.target);
    if (!pass) failed = true;
    return [
      r.name,
      `${fmt(med)} ${r.unit}`,
      String(r.samples.length),
      `${r.higher ? '≥' : '<'} ${fmt(r.target)} ${r.unit}`,
      pass ? 'pass' : error ? `FAIL (${error.slice(0, 80)})` : 'FAIL',
    ];
  });
  const head = ['case', 'median', 'runs', 'target', 'result'];
  printColumns(head, lines);
  return failed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(Math.abs(n) < 1 ? 2 : 1);
}

/** `scripts/bench/empty-json-server.mjs` in a process of its own, and a client of it. */
async function startEmptyServer(): Promise<{ http: BenchClient; stop(): void }> {
  const child = spawn(process.execPath, [join(ROOT, 'scripts/bench/empty-json-server.mjs')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  const http = new BenchClient(`http://127.0.0.1:${Number(line.toString().trim())}`);
  return {
    http,
    stop() {
      http.close();
      child.kill();
    },
  };
}

main().catch((error: unknown) => {
  console.error('bench:tracker failed:', error);
  process.exitCode = 1;
});
