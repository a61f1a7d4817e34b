import type { Client, InValue, Row, Transaction } from '@libsql/client';
import type { PredictionArm } from '../../../contracts/index.ts';
import { mergeRollups, type Rollup } from '../monitoring/rollup.ts';
import { rows as valueRows } from './placeholders.ts';

type Executor = Client | Transaction;

/** One minute of one version's traffic on one arm. */
export interface RollupKey {
  model: string;
  version: string;
  arm: PredictionArm;
  /** Epoch ms of the minute's start. */
  minute: number;
}

/** A stored rollup with its key. */
export interface RollupRow extends RollupKey {
  rollup: Rollup;
}

/** What `readRollups` reads: a model's (or version's, or arm's) minutes in [start, end). */
export interface RollupQuery {
  model: string;
  version?: string;
  arm?: PredictionArm;
  start: number;
  end: number;
  /** Read `hist` and `sample` too (drift); without, only the traffic. */
  bins?: boolean;
}

/** The minute (its start, epoch ms) an event time falls in. */
export function minuteOf(time: number): number {
  return time - (time % 60_000);
}

const bytes = (a: Uint32Array | Float64Array | null) =>
  a === null ? null : new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function rollupOfRow(row: Row): Rollup {
  const blob = (v: unknown) => (v === null || v === undefined ? null : (v as ArrayBuffer));
  const hist = blob(row.hist);
  const sample = blob(row.sample);
  return {
    count: Number(row.count),
    errors: Number(row.errors),
    latency: new Uint32Array(blob(row.latency)!.slice(0)),
    latencySum: Number(row.latency_sum),
    latencyMax: Number(row.latency_max),
    referenceId: row.reference_id === null || row.reference_id === undefined ? null : Number(row.reference_id),
    binned: Number(row.binned ?? 0),
    hist: hist ? new Uint32Array(hist.slice(0)) : null,
    sample: sample ? new Float64Array(sample.slice(0)) : null,
  };
}

const COLUMNS =
  'model, version, arm, minute, count, errors, latency, latency_sum, latency_max, reference_id, binned, hist, sample';

/**
 * Adds rollups of new events to the stored ones (same key: summed; see `mergeRollups`), inside the
 * transaction that stores the events. `width` is each key's sample row width (its reference's).
 */
export async function addToRollups(
  tx: Transaction,
  deltas: readonly { key: RollupKey; rollup: Rollup; width: number }[],
): Promise<void> {
  if (!deltas.length) return;
  const id = (k: RollupKey) => `${k.model}\u0000${k.version}\u0000${k.arm}\u0000${k.minute}`;
  const { rows } = await tx.execute({
    sql: `SELECT ${COLUMNS} FROM prediction_rollups WHERE (model, version, arm, minute) IN (VALUES ${valueRows(deltas.length, 4)})`,
    args: deltas.flatMap(({ key }) => [key.model, Number(key.version), key.arm, key.minute]),
  });
  const stored = new Map(
    rows.map((r) => [
      id({ model: String(r.model), version: String(r.version), arm: r.arm as PredictionArm, minute: Number(r.minute) }),
      rollupOfRow(r),
    ]),
  );
  const args: InValue[] = [];
  for (const { key, rollup, width } of deltas) {
    const before = stored.get(id(key));
    const r = before ? mergeRollups(before, rollup, width) : rollup;
    args.push(
      key.model,
      Number(key.version),
      key.arm,
      key.minute,
      r.count,
      r.errors,
      bytes(r.latency),
      r.latencySum,
      r.latencyMax,
      r.referenceId,
      r.binned,
      bytes(r.hist),
      bytes(r.sample),
    );
  }
  await tx.execute({
    sql: `INSERT INTO prediction_rollups (${COLUMNS}) VALUES ${valueRows(deltas.length, 13)}
          ON CONFLICT (model, version, arm, minute) DO UPDATE SET count = excluded.count, errors = excluded.errors,
          latency = excluded.latency, latency_sum = excluded.latency_sum, latency_max = excluded.latency_max,
          reference_id = excluded.reference_id, binned = excluded.binned, hist = excluded.hist, sample = excluded.sample`,
    args,
  });
}

/** Deletes up to `limit` rollups of minutes before `before` (the events' retention). */
export async function expireRollups(tx: Transaction, before: number, limit: number): Promise<void> {
  await tx.execute({
    sql: 'DELETE FROM prediction_rollups WHERE rowid IN (SELECT rowid FROM prediction_rollups WHERE minute < ? LIMIT ?)',
    args: [before, limit],
  });
}

/** Stored rollups of a model's minutes in [start, end), oldest first. */
export async function readRollups(client: Executor, q: RollupQuery): Promise<RollupRow[]> {
  const where = ['model = ?', 'minute >= ?', 'minute < ?'];
  const args: InValue[] = [q.model, q.start, q.end];
  if (q.version !== undefined) {
    where.push('version = ?');
    args.push(Number(q.version));
  }
  if (q.arm !== undefined) {
    where.push('arm = ?');
    args.push(q.arm);
  }
  const columns = q.bins ? COLUMNS : COLUMNS.replace(', hist, sample', '');
  const { rows } = await client.execute({
    sql: `SELECT ${columns} FROM prediction_rollups WHERE ${where.join(' AND ')} ORDER BY minute`,
    args,
  });
  return rows.map((r) => ({
    model: String(r.model),
    version: String(r.version),
    arm: r.arm as PredictionArm,
    minute: Number(r.minute),
    rollup: rollupOfRow(r),
  }));
}
