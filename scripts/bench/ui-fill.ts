import type { Metric } from '../../tracker/src/store/entities.ts';
import type { LibsqlStore } from '../../tracker/src/store/libsql-store.ts';

/** How big the UI bench's data is. */
export interface UiFillSize {
  /** Runs in the big experiment (10 params, 10 metrics each). */
  runs: number;
  /** How many of them have `historySteps` steps of every metric. */
  runsWithHistory: number;
  historySteps: number;
  /** Runs of the compare experiment, each with `compareSteps` steps of every metric. */
  compareRuns: number;
  compareSteps: number;
  /** Points of the one metric of the big-chart run. */
  bigChartPoints: number;
}

/** The figures: 10,000 runs, 100 steps for some, 50 × 1,000 to compare, a 100,000-point chart. */
export const UI_FILL: UiFillSize = {
  runs: 10_000,
  runsWithHistory: 500,
  historySteps: 100,
  compareRuns: 50,
  compareSteps: 1000,
  bigChartPoints: 100_000,
};

/** What the fill made, for the measurements to open. */
export interface UiFilled {
  experimentId: string;
  /** A run of the big experiment with 10 metrics of history (10 charts). */
  chartRunId: string;
  compareExperimentId: string;
  compareRunIds: string[];
  bigChartRunId: string;
  /** Metric points written in all. */
  points: number;
  ms: number;
}

const T0 = Date.UTC(2026, 0, 1);
/** MLflow's log-batch limit of metrics per call. */
const BATCH = 1000;
const PARAMS = 10;
const METRICS = 10;

/** A value in [0, 1) that depends on (run, key, step) only: reproducible, varied, no Math.random. */
function value(run: number, key: number, step: number): number {
  const x = Math.sin(run * 12.9898 + key * 78.233 + step * 0.0137) * 43758.5453;
  return x - Math.floor(x);
}

function paramsOf(i: number) {
  return Array.from({ length: PARAMS }, (_, k) => ({ key: `p${k}`, value: `v${(i * (k + 1)) % (10 + k)}` }));
}

/** A decaying curve with noise, so charts look like training curves. */
function curve(run: number, key: number, step: number, steps: number): number {
  return (1 + key) * Math.exp((-3 * step) / steps) + 0.05 * value(run, key, step);
}

async function pool(count: number, inFlight: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const work = async () => {
    while (next < count) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, work));
}

async function logHistory(
  store: LibsqlStore,
  runId: string,
  run: number,
  keys: number,
  steps: number,
): Promise<number> {
  let batch: Metric[] = [];
  let n = 0;
  for (let k = 0; k < keys; k++) {
    for (let s = 0; s < steps; s++) {
      batch.push({ key: `m${k}`, value: curve(run, k, s, steps), timestamp: T0 + run * 1000 + s, step: s });
      if (batch.length === BATCH) {
        await store.logBatch(runId, { metrics: batch });
        n += batch.length;
        batch = [];
      }
    }
  }
  if (batch.length) await store.logBatch(runId, { metrics: batch });
  return n + batch.length;
}

/**
 * Fills a tracker's store directly (the fastest path: no HTTP, no JSON), with `inFlight` writes at
 * once: the big experiment, the compare experiment and the big-chart run.
 */
export async function fillForUiBench(
  store: LibsqlStore,
  size: UiFillSize = UI_FILL,
  inFlight = 8,
  log: (line: string) => void = () => {},
): Promise<UiFilled> {
  const t0 = performance.now();
  let points = 0;
  const experimentId = await store.createExperiment({ name: 'bench-10k' });
  const runIds: string[] = new Array(size.runs);
  const historyEvery = Math.max(1, Math.floor(size.runs / Math.max(1, size.runsWithHistory)));
  await pool(size.runs, inFlight, async (i) => {
    const run = await store.createRun({
      experiment_id: experimentId,
      run_name: `run-${String(i).padStart(5, '0')}`,
      start_time: T0 + i * 1000,
      tags: [{ key: 'team', value: i % 3 ? 'risk' : 'growth' }],
    });
    const id = run.info.run_id;
    runIds[i] = id;
    const withHistory = i % historyEvery === 0 && i / historyEvery < size.runsWithHistory;
    if (withHistory) {
      const n = await logHistory(store, id, i, METRICS, size.historySteps);
      points += n;
    }
    await store.logBatch(id, {
      params: paramsOf(i),
      // The latest value of each metric (for runs with history: one more step at the end).
      metrics: Array.from({ length: METRICS }, (_, k) => ({
        key: `m${k}`,
        value: value(i, k, 0),
        timestamp: T0 + i * 1000 + 999,
        step: withHistory ? size.historySteps : 0,
      })),
    });
    points += METRICS;
    await store.updateRun(id, { status: 'FINISHED', end_time: T0 + i * 1000 + 500 + (i % 97) * 10 });
    if ((i + 1) % 2000 === 0) log(`  ${i + 1} runs (${Math.round(performance.now() - t0)} ms)`);
  });

  const compareExperimentId = await store.createExperiment({ name: 'bench-compare' });
  const compareRunIds: string[] = new Array(size.compareRuns);
  await pool(size.compareRuns, inFlight, async (i) => {
    const run = await store.createRun({
      experiment_id: compareExperimentId,
      run_name: `cmp-${String(i).padStart(2, '0')}`,
      start_time: T0 + i * 1000,
    });
    compareRunIds[i] = run.info.run_id;
    await store.logBatch(run.info.run_id, { params: paramsOf(i) });
    const n = await logHistory(store, run.info.run_id, i, METRICS, size.compareSteps);
    points += n;
    await store.updateRun(run.info.run_id, { status: 'FINISHED', end_time: T0 + i * 1000 + 60_000 });
  });
  log(`  ${size.compareRuns} compare runs (${Math.round(performance.now() - t0)} ms)`);

  const big = await store.createRun({ experiment_id: compareExperimentId, run_name: 'big-chart', start_time: T0 });
  const bigPoints = await logHistory(store, big.info.run_id, 0, 1, size.bigChartPoints);
  points += bigPoints;
  await store.updateRun(big.info.run_id, { status: 'FINISHED', end_time: T0 + size.bigChartPoints });

  return {
    experimentId,
    chartRunId: runIds[0]!,
    compareExperimentId,
    compareRunIds,
    bigChartRunId: big.info.run_id,
    points,
    ms: Math.round(performance.now() - t0),
  };
}
