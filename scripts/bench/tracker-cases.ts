import type { Client } from '@libsql/client';
import { type BenchClient, pool } from './tracker-http.ts';

/** What each case needs: the HTTP client, and the tracker's database file opened for counting rows. */
export interface BenchContext {
  http: BenchClient;
  db: Client;
  experimentId: string;
}

/** One measured repeat of a case. `value` is in the case's unit; `error` fails the case. */
export interface Sample {
  value: number;
  error?: string;
  /** What the value was computed from, printed with it. */
  detail?: string;
}

const T0 = 1_700_000_000_000;
let seq = 0;

/** Creates a run and returns its id. */
export async function createRun(ctx: BenchContext, name = `bench-${++seq}`): Promise<string> {
  const body = await ctx.http.ok('runs/create', {
    experiment_id: ctx.experimentId,
    run_name: name,
    start_time: Date.now(),
  });
  return body.run.info.run_id as string;
}

/** Prebuilt log-batch bodies of `size` points: `keys` metrics interleaved, consecutive steps from `firstStep`. */
function batchBodies(runId: string, count: number, size: number, keys: number, firstStep = 0): string[] {
  const bodies: string[] = [];
  const perKey = size / keys;
  for (let b = 0; b < count; b++) {
    const metrics = [];
    for (let i = 0; i < size; i++) {
      const step = firstStep + b * perKey + Math.floor(i / keys);
      metrics.push({ key: `metric_${i % keys}`, value: Math.sin(step + i) * 10, timestamp: T0 + step, step });
    }
    bodies.push(JSON.stringify({ run_id: runId, metrics }));
  }
  return bodies;
}

async function countPoints(ctx: BenchContext, runIds: string[]): Promise<number> {
  const r = await ctx.db.execute({
    sql: `SELECT count(*) AS n FROM metrics WHERE run_uuid IN (${runIds.map(() => '?').join(',')})`,
    args: runIds,
  });
  return Number(r.rows[0]!.n);
}

/** Sends the bodies to log-batch with `inFlight` requests at a time; returns the first failure, if any. */
async function sendBatches(ctx: BenchContext, bodies: string[], inFlight: number): Promise<string | undefined> {
  let failure: string | undefined;
  await pool(bodies.length, inFlight, async (i) => {
    const r = await ctx.http.post('runs/log-batch', bodies[i]!);
    if (r.status !== 200) failure ??= `log-batch ${r.status}: ${JSON.stringify(r.body).slice(0, 200)}`;
  });
  return failure;
}

/** log-batch of 1,000 points (10 keys interleaved) into one run, `inFlight` at a time: points/s. */
export async function logBatchOneRun(ctx: BenchContext, batches: number, inFlight: number): Promise<Sample> {
  const runId = await createRun(ctx);
  const bodies = batchBodies(runId, batches, 1000, 10);
  const t = performance.now();
  const failure = await sendBatches(ctx, bodies, inFlight);
  const seconds = (performance.now() - t) / 1000;
  const stored = await countPoints(ctx, [runId]);
  const lost = batches * 1000 - stored;
  return { value: (batches * 1000) / seconds, error: failure ?? (lost ? `${lost} points lost` : undefined) };
}

/** `runs` runs logging 1,000-point batches at once, one request in flight each: total points/s. */
export async function logBatchManyRuns(ctx: BenchContext, runs: number, batchesPerRun: number): Promise<Sample> {
  const runIds = await Promise.all(Array.from({ length: runs }, () => createRun(ctx)));
  const bodies = runIds.map((id) => batchBodies(id, batchesPerRun, 1000, 10));
  const t = performance.now();
  const failures = await Promise.all(bodies.map((b) => sendBatches(ctx, b, 1)));
  const seconds = (performance.now() - t) / 1000;
  const stored = await countPoints(ctx, runIds);
  const lost = runs * batchesPerRun * 1000 - stored;
  const failure = failures.find(Boolean);
  return {
    value: (runs * batchesPerRun * 1000) / seconds,
    error: failure ?? (lost ? `${lost} points lost` : undefined),
  };
}

/**
 * Single log-metric requests, `inFlight` at a time, spread over `runs` runs and 4 keys: requests/s.
 * Checks every point was stored and each key's latest value is the last step's.
 */
export async function logMetricSingles(
  ctx: BenchContext,
  requests: number,
  inFlight: number,
  runs = 4,
): Promise<Sample> {
  const runIds = await Promise.all(Array.from({ length: runs }, () => createRun(ctx)));
  const bodies = Array.from({ length: requests }, (_, i) => {
    const step = Math.floor(i / (runs * 4));
    return JSON.stringify({
      run_id: runIds[i % runs],
      key: `m${Math.floor(i / runs) % 4}`,
      value: step,
      timestamp: T0 + step,
      step,
    });
  });
  let failure: string | undefined;
  const t = performance.now();
  await pool(requests, inFlight, async (i) => {
    const r = await ctx.http.post('runs/log-metric', bodies[i]!);
    if (r.status !== 200) failure ??= `log-metric ${r.status}: ${JSON.stringify(r.body).slice(0, 200)}`;
  });
  const seconds = (performance.now() - t) / 1000;
  const stored = await countPoints(ctx, runIds);
  if (!failure && stored !== requests) failure = `${requests - stored} points lost`;
  if (!failure) {
    const lastStep = Math.floor((requests - 1) / (runs * 4));
    const run = await ctx.http.get('runs/get', { run_id: runIds[0]! });
    const bad = (run.body.run.data.metrics as { step: number; value: number }[]).filter((m) => m.step < lastStep - 1);
    if (bad.length) failure = `latest values stale: ${JSON.stringify(bad)}`;
  }
  return { value: requests / seconds, error: failure };
}

/** create run + log-batch (2 params, 2 metrics) + update to FINISHED, `inFlight` runs at a time: runs/s. */
export async function runLifecycle(ctx: BenchContext, count: number, inFlight: number): Promise<Sample> {
  let failure: string | undefined;
  const t = performance.now();
  await pool(count, inFlight, async (i) => {
    try {
      const runId = await createRun(ctx, `life-${seq}-${i}`);
      await ctx.http.ok('runs/log-batch', {
        run_id: runId,
        params: [
          { key: 'lr', value: '0.01' },
          { key: 'seed', value: String(i) },
        ],
        metrics: [
          { key: 'loss', value: 1 / (i + 1), timestamp: Date.now(), step: 0 },
          { key: 'acc', value: 0.5, timestamp: Date.now(), step: 0 },
        ],
      });
      await ctx.http.ok('runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
    } catch (error) {
      failure ??= String(error);
    }
  });
  return { value: count / ((performance.now() - t) / 1000), error: failure };
}

/** Seeds one run with `points` points of one key (step = index); returns the run id. */
export async function seedHistory(ctx: BenchContext, points: number): Promise<string> {
  const runId = await createRun(ctx, 'history');
  const bodies = batchBodies(runId, points / 1000, 1000, 1);
  const failure = await sendBatches(ctx, bodies, 2);
  if (failure) throw new Error(failure);
  return runId;
}

/** Reads a metric's whole history page by page (25,000 a page): ms for all pages. */
export async function readHistory(ctx: BenchContext, runId: string, points: number): Promise<Sample> {
  const t = performance.now();
  let token: string | undefined;
  let got = 0;
  let lastStep = -1;
  let unordered = false;
  do {
    const r = await ctx.http.get('metrics/get-history', {
      run_id: runId,
      metric_key: 'metric_0',
      max_results: 25_000,
      ...(token ? { page_token: token } : {}),
    });
    if (r.status !== 200)
      return { value: Number.NaN, error: `get-history ${r.status}: ${JSON.stringify(r.body).slice(0, 200)}` };
    const page = r.body.metrics as { step: number }[];
    for (const m of page) {
      if (m.step <= lastStep) unordered = true;
      lastStep = m.step;
    }
    got += page.length;
    token = r.body.next_page_token;
  } while (token);
  const ms = performance.now() - t;
  const error = got !== points ? `read ${got} of ${points} points` : unordered ? 'points out of order' : undefined;
  return { value: ms, error };
}

/** Whether `runs/search` exists (anything but ENDPOINT_NOT_FOUND). */
export async function hasSearch(ctx: BenchContext): Promise<boolean> {
  const r = await ctx.http.post('runs/search', { experiment_ids: [ctx.experimentId], max_results: 1 });
  return !(r.status === 404 && r.body?.error_code === 'ENDPOINT_NOT_FOUND');
}

/** Seeds `count` runs, each with 10 params (p0..p9) and 10 metrics (m0..m9), `inFlight` at a time. */
export async function seedSearchRuns(
  ctx: BenchContext,
  experimentId: string,
  count: number,
  inFlight: number,
): Promise<void> {
  await pool(count, inFlight, async (i) => {
    const body = await ctx.http.ok('runs/create', {
      experiment_id: experimentId,
      run_name: `s${i}`,
      start_time: T0 + i,
    });
    const runId = body.run.info.run_id as string;
    await ctx.http.ok('runs/log-batch', {
      run_id: runId,
      params: Array.from({ length: 10 }, (_, k) => ({ key: `p${k}`, value: `v${(i * (k + 1)) % 10}` })),
      metrics: Array.from({ length: 10 }, (_, k) => ({
        key: `m${k}`,
        value: ((i * 7919 + k * 104729) % 10007) / 10007,
        timestamp: T0,
        step: 0,
      })),
    });
  });
}

/** One search request's latency in ms; checks the answer has runs. */
export async function searchOnce(
  ctx: BenchContext,
  body: Record<string, unknown>,
  expectRuns: number,
): Promise<Sample> {
  const t = performance.now();
  const r = await ctx.http.post('runs/search', body);
  const ms = performance.now() - t;
  if (r.status !== 200) return { value: ms, error: `runs/search ${r.status}: ${JSON.stringify(r.body).slice(0, 200)}` };
  const n = (r.body.runs ?? []).length;
  return { value: ms, error: n < expectRuns ? `runs/search returned ${n} runs, expected ${expectRuns}` : undefined };
}

/**
 * The tracker's share of one request at one in flight, as a training script makes them: the median
 * latency of `bodies` posted one after the other to the tracker, minus the median of the same bodies
 * posted the same way to a server that answers `{}` at once (`baseline`), in alternating blocks of 50 so
 * that both see the same load. Checks that every point was stored. ms.
 */
export async function oneInFlightShare(
  ctx: BenchContext,
  baseline: BenchClient,
  path: 'runs/log-metric' | 'runs/log-batch',
  runId: string,
  bodies: string[],
  points: number,
): Promise<Sample> {
  const before = await countPoints(ctx, [runId]);
  const ours: number[] = [];
  const theirs: number[] = [];
  let failure: string | undefined;
  for (let start = 0; start < bodies.length; start += 50) {
    const block = bodies.slice(start, start + 50);
    for (const body of block) {
      const t = performance.now();
      await baseline.post(path, body);
      theirs.push(performance.now() - t);
    }
    for (const body of block) {
      const t = performance.now();
      const r = await ctx.http.post(path, body);
      ours.push(performance.now() - t);
      if (r.status !== 200) failure ??= `${path} ${r.status}: ${JSON.stringify(r.body).slice(0, 200)}`;
    }
  }
  const lost = points - ((await countPoints(ctx, [runId])) - before);
  const a = medianOf(ours);
  const b = medianOf(theirs);
  return {
    value: a - b,
    error: failure ?? (lost ? `${lost} points lost` : undefined),
    detail: `${a.toFixed(3)} − ${b.toFixed(3)}`,
  };
}

/** `count` single log-metric bodies for one run, one key, consecutive steps from `firstStep`. */
export function metricBodies(runId: string, count: number, firstStep: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      run_id: runId,
      key: 'loss',
      value: 1 / (firstStep + i + 1),
      timestamp: T0 + i,
      step: firstStep + i,
    }),
  );
}

/** `count` log-batch bodies of 1,000 points (10 keys) for one run, consecutive steps from `firstStep`. */
export function thousandPointBodies(runId: string, count: number, firstStep: number): string[] {
  return batchBodies(runId, count, 1000, 10, firstStep);
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
