import type { Client, InStatement } from '@libsql/client';
import type { MetricWithRunId } from './entities.ts';
import { runNotFound } from './guards.ts';
import type { BulkIntervalInput } from './tracking-store.ts';
import { parseMetricJson, VALUE_JSON } from './value-sql.ts';

/** Most points of one run get-history-bulk-interval returns (MLflow's MAX_RESULTS_GET_METRIC_HISTORY). */
export const MAX_POINTS_PER_RUN = 25_000;

/**
 * Each run's steps of the metric (sorted, as comma-separated text; NULL for a run without it), in input
 * order, and the first unknown run id: one statement, one row per run, no row per step becomes a JS
 * object. Each run's steps come in index order, so no temporary B-tree is needed.
 */
const STEPS_SQL =
  'SELECT r.value AS run_id, EXISTS (SELECT 1 FROM runs WHERE run_uuid = r.value) AS found, ' +
  '(SELECT group_concat(step) FROM (SELECT DISTINCT step FROM metrics WHERE run_uuid = r.value AND key = ?2 ORDER BY step)) AS steps ' +
  'FROM json_each(?1) AS r ORDER BY r.key';

/** How the points' statement picks the chosen steps. */
type StepPick = 'range' | 'scan' | 'seek';

/**
 * One run's points at the chosen steps as JSON objects joined by commas, built by SQLite (values exact: see
 * `VALUE_JSON`). `range`: every step of [?3, ?4] is wanted. With a sample (`?5`, a JSON array of steps),
 * `seek` looks each step up in the index (few steps of many), `scan` reads the range and keeps the
 * sample's steps (the unary `+` stops SQLite from seeking: cheaper when most steps are kept).
 */
function pointsSql(pick: StepPick): string {
  const inSample = 'step IN (SELECT value FROM json_each(?5))';
  const steps = pick === 'range' ? '' : pick === 'seek' ? `AND ${inSample} ` : `AND +${inSample} `;
  return (
    `SELECT group_concat('{"key":' || ?6 || ',"value":' || ${VALUE_JSON} || ',"timestamp":' || timestamp || ',"step":' || step || ',"run_id":' || ?7 || '}', ',') AS points ` +
    `FROM (SELECT step, timestamp, value FROM metrics WHERE run_uuid = ?1 AND key = ?2 AND step BETWEEN ?3 AND ?4 ${steps}ORDER BY step, timestamp, value LIMIT ?8)`
  );
}

const POINTS_SQL: Record<StepPick, string> = {
  range: pointsSql('range'),
  scan: pointsSql('scan'),
  seek: pointsSql('seek'),
};

/**
 * get-history-bulk-interval as the JSON body MLflow replies with (`{"metrics":[{key, value, timestamp,
 * step, run_id}, …]}`, NaN and ±Infinity as strings), sampled as MLflow samples: the steps any of the runs
 * logged in [start_step, end_step] (default: 0 to the last step), `max_results` of them evenly spaced
 * plus the last one, plus each run's first and last step in that range; then every point of each run at
 * those steps (at most 25,000 a run), in run order then (step, timestamp, value) order. Duplicate run ids
 * count once. Throws RESOURCE_DOES_NOT_EXIST for an unknown run.
 *
 * One statement for the runs' steps (and the unknown-run check), then a batch of one statement per run
 * whose points SQLite prints as JSON text.
 */
export async function metricBulkIntervalJson(client: Client, input: BulkIntervalInput): Promise<string> {
  const runIds = [...new Set(input.run_ids)];
  const { rows } = await client.execute({ sql: STEPS_SQL, args: [JSON.stringify(runIds), input.metric_key] });
  const missing = rows.find((r) => !r.found);
  if (missing) throw runNotFound(String(missing.run_id));
  const having = rows.filter((r) => typeof r.steps === 'string' && r.steps);
  if (!having.length) return '{"metrics":[]}';
  const perRun = having.map((r) => String(r.steps));
  const { all, edges } = unionOfSteps(perRun);
  const start = input.start_step ?? 0;
  const end = input.end_step ?? all[all.length - 1]!;
  const { from, to } = rangeOf(all, start, end);
  if (to === from) return '{"metrics":[]}';
  // Every step of [start, end] is wanted when they number at most max_results (the runs' first and last
  // steps in range are among them): the range alone selects the points.
  let pick: StepPick = 'range';
  let sample: string | null = null;
  if (to - from > input.max_results) {
    const chosen = sampleSteps(start, end, input.max_results, all);
    for (const s of edges) if (s >= start && s <= end) chosen.add(s);
    sample = JSON.stringify([...chosen]);
    pick = chosen.size * 8 < to - from ? 'seek' : 'scan';
  }
  const keyJson = JSON.stringify(input.metric_key);
  const stmts: InStatement[] = having
    .map(({ run_id }) => String(run_id))
    .map((id) => ({
      sql: POINTS_SQL[pick],
      args: [id, input.metric_key, start, end, sample, keyJson, JSON.stringify(id), MAX_POINTS_PER_RUN],
    }));
  const results = stmts.length === 1 ? [await client.execute(stmts[0]!)] : await client.batch(stmts, 'read');
  const parts: string[] = [];
  for (const r of results) {
    const points = r.rows[0]?.points;
    if (typeof points === 'string' && points) parts.push(points);
  }
  return `{"metrics":[${parts.join(',')}]}`;
}

/** `metricBulkIntervalJson` as objects: values "NaN"/"Infinity"/"-Infinity" become numbers again. */
export async function metricBulkInterval(client: Client, input: BulkIntervalInput): Promise<MetricWithRunId[]> {
  const text = await metricBulkIntervalJson(client, input);
  return parseMetricJson<{ metrics: MetricWithRunId[] }>(text).metrics;
}

/**
 * The sorted union of the runs' step lists (comma-separated, each sorted) and each run's first and last
 * step. Runs usually log the same steps: then one list is parsed, not one per run.
 */
function unionOfSteps(perRun: string[]): { all: number[]; edges: Set<number> } {
  const edges = new Set<number>();
  for (const text of perRun) {
    const comma = text.indexOf(',');
    edges.add(Number(comma === -1 ? text : text.slice(0, comma)));
    edges.add(Number(text.slice(text.lastIndexOf(',') + 1)));
  }
  const first = perRun[0]!;
  if (perRun.every((t) => t === first)) return { all: first.split(',').map(Number), edges };
  const union = new Set<number>();
  for (const text of perRun) for (const s of text.split(',')) union.add(Number(s));
  return { all: [...union].sort((a, b) => a - b), edges };
}

/** Indexes [from, to) of the sorted `all` that lie in [start, end]. */
function rangeOf(all: number[], start: number, end: number): { from: number; to: number } {
  const lo = all.findIndex((s) => s >= start);
  const from = lo === -1 ? all.length : lo;
  let to = from;
  while (to < all.length && all[to]! <= end) to++;
  return { from, to };
}

/**
 * MLflow's `_get_sampled_steps_from_steps`: of the sorted steps `all`, those in [start, end] if they
 * number at most `max`; else `max` of them evenly spaced (index ⌊i·n/max⌋) and the last one.
 */
export function sampleSteps(start: number, end: number, max: number, all: number[]): Set<number> {
  const { from, to } = rangeOf(all, start, end);
  if (to - from <= max) return new Set(all.slice(from, to));
  const interval = (to - from) / max;
  const out = new Set<number>();
  for (let i = 0; i < max; i++) out.add(all[from + Math.floor(i * interval)]!);
  out.add(all[to - 1]!);
  return out;
}
