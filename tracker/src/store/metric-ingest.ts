import type { InStatement } from '@libsql/client';
import type { Metric } from './entities.ts';
import { rows as valueRows } from './placeholders.ts';

/** Metric points of one run, as one request logged them. */
export interface RunPoints {
  runId: string;
  metrics: Metric[];
}

/** Rows per multi-row metric INSERT (5 variables a row, well under SQLite's 32766). */
const CHUNK = 1000;

/**
 * The ingest hot path as raw statements for one `client.batch(…, 'write')` transaction: multi-row
 * `INSERT OR IGNORE`s of every point (an identical point logged again is stored once: the metrics
 * unique index is MLflow's primary key; NaN points, stored as NULL, are deduplicated by `nanInsert`) and one upsert of each (run, key)'s latest point. drizzle's
 * builder costs ~22 ms per 1,000 rows; these cost a few.
 */
export function metricStatements(groups: RunPoints[]): InStatement[] {
  const stmts: InStatement[] = [];
  let args: (string | number | null)[] = [];
  let rows = 0;
  const flush = () => {
    stmts.push({
      sql: `INSERT OR IGNORE INTO metrics (run_uuid, key, step, timestamp, value) VALUES ${valueRows(rows, 5)}`,
      args,
    });
    args = [];
    rows = 0;
  };
  const latest = new Map<string, { runId: string; point: Metric }>();
  const nans: (string | number)[] = [];
  for (const { runId, metrics } of groups) {
    for (const p of metrics) {
      const id = `${runId}\u0000${p.key}`;
      const cur = latest.get(id);
      if (!cur || laterThan(p, cur.point)) latest.set(id, { runId, point: p });
      if (Number.isNaN(p.value)) {
        nans.push(runId, p.key, p.step, p.timestamp);
        continue;
      }
      args.push(runId, p.key, p.step, p.timestamp, toDb(p.value));
      if (++rows === CHUNK) flush();
    }
  }
  if (rows) flush();
  for (let i = 0; i < nans.length; i += CHUNK * 4) stmts.push(nanInsert(nans.slice(i, i + CHUNK * 4)));
  if (latest.size) stmts.push(latestUpsert([...latest.values()]));
  return stmts;
}

/**
 * NaN points (rare): NaN is stored as NULL, which a unique index never finds equal, so an identical NaN
 * point is skipped by hand, as MLflow's primary key (with its is_nan column) would.
 */
function nanInsert(args: (string | number)[]): InStatement {
  return {
    sql:
      `INSERT INTO metrics (run_uuid, key, step, timestamp, value) ` +
      `SELECT DISTINCT column1, column2, column3, column4, NULL FROM (VALUES ${valueRows(args.length / 4, 4)}) AS p ` +
      `WHERE NOT EXISTS (SELECT 1 FROM metrics m WHERE m.run_uuid = p.column1 AND m.key = p.column2 ` +
      `AND m.step = p.column3 AND m.timestamp = p.column4 AND m.value IS NULL)`,
    args,
  };
}

/** Upserts the latest point of each (run, key), keeping the stored one when it is later. */
function latestUpsert(points: { runId: string; point: Metric }[]): InStatement {
  const args: (string | number | null)[] = [];
  for (const { runId, point: p } of points) args.push(runId, p.key, p.step, p.timestamp, toDb(p.value));
  return {
    sql:
      `INSERT INTO latest_metrics (run_uuid, key, step, timestamp, value) VALUES ${valueRows(points.length, 5)} ` +
      `ON CONFLICT (run_uuid, key) DO UPDATE SET step = excluded.step, timestamp = excluded.timestamp, value = excluded.value ` +
      `WHERE excluded.step > latest_metrics.step OR (excluded.step = latest_metrics.step AND ` +
      `(excluded.timestamp > latest_metrics.timestamp OR (excluded.timestamp = latest_metrics.timestamp AND ` +
      `coalesce(excluded.value, -9e999) >= coalesce(latest_metrics.value, -9e999))))`,
    args,
  };
}

/** MLflow's "latest": the greatest (step, timestamp, value); NaN counts as the lowest value. */
export function laterThan(a: Metric, b: Metric): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  const av = Number.isNaN(a.value) ? -Infinity : a.value;
  const bv = Number.isNaN(b.value) ? -Infinity : b.value;
  return av >= bv;
}

/** NaN is stored as NULL; ±Infinity, which the driver refuses to bind, as text the REAL column converts. */
export function toDb(value: number): number | string | null {
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return null;
  return value > 0 ? '1e999' : '-1e999';
}
