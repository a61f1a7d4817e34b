import type { Client, Row, Transaction } from '@libsql/client';
import type { PredictionEvent } from '../../../contracts/index.ts';
import { decodePageToken, encodePageToken, SearchSyntaxError } from '../../search/index.ts';
import { invalid } from '../errors.ts';
import type { LogPredictionsInput, SearchPredictionsInput } from './tracking-store.ts';

/** Rows one INSERT writes (12 parameters each, well under SQLite's limit). */
const INSERT_CHUNK = 500;
/** Most expired rows one ingest deletes, so that a backlog of old events never makes an ingest slow. */
export const EXPIRE_CHUNK = 5000;

const COLUMNS =
  'prediction_id, model, version, arm, time, inputs, output_prediction, output_probability, output_label, latency_ms, status';

/**
 * Inside an ingest transaction: stores the events not stored yet (by `prediction_id`) and not older
 * than `deleteBefore`, and deletes up to `EXPIRE_CHUNK` events older than it. Answers the events that
 * were new (the first of any repeated id).
 */
export async function insertEvents(tx: Transaction, input: LogPredictionsInput): Promise<PredictionEvent[]> {
  const kept = input.events.filter((e) => e.time >= input.deleteBefore);
  await tx.execute({
    sql: 'DELETE FROM prediction_events WHERE seq IN (SELECT seq FROM prediction_events WHERE time < ? LIMIT ?)',
    args: [input.deleteBefore, EXPIRE_CHUNK],
  });
  const fresh: PredictionEvent[] = [];
  for (let at = 0; at < kept.length; at += INSERT_CHUNK) {
    const chunk = kept.slice(at, at + INSERT_CHUNK);
    const { rows } = await tx.execute({
      sql: `INSERT INTO prediction_events (${COLUMNS}) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')} ON CONFLICT (prediction_id) DO NOTHING RETURNING prediction_id`,
      args: chunk.flatMap((e) => [
        e.prediction_id,
        e.model,
        Number(e.version),
        e.arm,
        e.time,
        JSON.stringify(e.inputs),
        e.output?.prediction ?? null,
        e.output?.probability ?? null,
        e.output?.label ?? null,
        e.latency_ms,
        e.status,
      ]),
    });
    if (rows.length === chunk.length) fresh.push(...chunk);
    else {
      const stored = new Set(rows.map((r) => String(r.prediction_id)));
      for (const e of chunk) {
        if (stored.delete(e.prediction_id)) fresh.push(e);
      }
    }
  }
  return fresh;
}

function eventOf(row: Row): PredictionEvent {
  const output =
    row.output_prediction === null
      ? undefined
      : {
          prediction: Number(row.output_prediction),
          ...(row.output_probability === null ? {} : { probability: Number(row.output_probability) }),
          ...(row.output_label === null ? {} : { label: String(row.output_label) }),
        };
  return {
    prediction_id: String(row.prediction_id),
    model: String(row.model),
    version: String(row.version),
    arm: row.arm as PredictionEvent['arm'],
    time: Number(row.time),
    inputs: JSON.parse(String(row.inputs)) as number[],
    ...(output ? { output } : {}),
    latency_ms: Number(row.latency_ms),
    status: Number(row.status),
  };
}

/**
 * Stored events of a model (and version), newest ingested first, `max_results` a page; the page token
 * holds the `seq` the next page continues below.
 */
export async function searchPredictions(
  client: Client,
  input: SearchPredictionsInput,
): Promise<{ items: PredictionEvent[]; next_page_token?: string }> {
  let below: number;
  try {
    below = input.page_token ? decodePageToken(input.page_token) : Number.MAX_SAFE_INTEGER;
  } catch (error) {
    if (error instanceof SearchSyntaxError) throw invalid(`Invalid page token: '${input.page_token}'.`);
    throw error;
  }
  const where = ['seq < ?'];
  const args: Array<string | number> = [below];
  if (input.model !== undefined) {
    where.push('model = ?');
    args.push(input.model);
  }
  if (input.version !== undefined) {
    where.push('version = ?');
    args.push(Number(input.version));
  }
  const { rows } = await client.execute({
    sql: `SELECT seq, ${COLUMNS} FROM prediction_events WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ?`,
    args: [...args, input.max_results + 1],
  });
  const page = rows.slice(0, input.max_results);
  const items = page.map(eventOf);
  return rows.length > input.max_results
    ? { items, next_page_token: encodePageToken(Number(page.at(-1)!.seq)) }
    : { items };
}
