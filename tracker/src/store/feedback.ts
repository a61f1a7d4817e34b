import type { Client, InArgs } from '@libsql/client';
import type { FeedbackResult, LabeledPrediction, PredictionRef } from './entities.ts';
import { EXPIRE_CHUNK } from './prediction-events.ts';
import type { LabeledPredictionsInput, LogFeedbackInput } from './tracking-store.ts';

/** Ids one `IN (…)` list holds. */
const ID_CHUNK = 500;

const placeholders = (n: number) => Array(n).fill('?').join(', ');

/** The stored predictions among `ids`, by id. */
export async function findPredictions(client: Client, ids: readonly string[]): Promise<Map<string, PredictionRef>> {
  const found = new Map<string, PredictionRef>();
  const unique = [...new Set(ids)];
  for (let at = 0; at < unique.length; at += ID_CHUNK) {
    const chunk = unique.slice(at, at + ID_CHUNK);
    const { rows } = await client.execute({
      sql: `SELECT prediction_id, model, version, time FROM prediction_events WHERE prediction_id IN (${placeholders(chunk.length)})`,
      args: chunk,
    });
    for (const row of rows) {
      found.set(String(row.prediction_id), {
        model: String(row.model),
        version: String(row.version),
        time: Number(row.time),
      });
    }
  }
  return found;
}

/**
 * Stores labels, one per prediction: of two labels of one id (in the batch, or stored and new) the one with the
 * later `time` wins, an equal time going to the one written last; the same label again changes nothing. Deletes
 * up to `EXPIRE_CHUNK` labels older than `deleteBefore` in the same transaction.
 */
export async function logFeedback(client: Client, input: LogFeedbackInput): Promise<FeedbackResult> {
  const latest = new Map<string, { label: number; time: number }>();
  for (const l of input.labels) {
    const seen = latest.get(l.prediction_id);
    if (!seen || l.time >= seen.time) latest.set(l.prediction_id, { label: l.label, time: l.time });
  }
  const ids = [...latest.keys()];
  const tx = await client.transaction('write');
  try {
    await tx.execute({
      sql: 'DELETE FROM prediction_feedback WHERE prediction_id IN (SELECT prediction_id FROM prediction_feedback WHERE time < ? LIMIT ?)',
      args: [input.deleteBefore, EXPIRE_CHUNK],
    });
    const stored = new Map<string, { label: number; time: number }>();
    for (let at = 0; at < ids.length; at += ID_CHUNK) {
      const chunk = ids.slice(at, at + ID_CHUNK);
      const { rows } = await tx.execute({
        sql: `SELECT prediction_id, label, time FROM prediction_feedback WHERE prediction_id IN (${placeholders(chunk.length)})`,
        args: chunk,
      });
      for (const row of rows)
        stored.set(String(row.prediction_id), { label: Number(row.label), time: Number(row.time) });
    }
    const result: FeedbackResult = { stored: 0, updated: 0 };
    const writes: Array<[string, number, number]> = [];
    for (const [id, l] of latest) {
      const before = stored.get(id);
      if (!before) result.stored++;
      else if (l.time < before.time || l.label === before.label) continue;
      else result.updated++;
      writes.push([id, l.label, l.time]);
    }
    for (let at = 0; at < writes.length; at += ID_CHUNK) {
      const chunk = writes.slice(at, at + ID_CHUNK);
      const args: InArgs = chunk.flat();
      await tx.execute({
        sql: `INSERT INTO prediction_feedback (prediction_id, label, time) VALUES ${chunk.map(() => '(?, ?, ?)').join(', ')} ON CONFLICT (prediction_id) DO UPDATE SET label = excluded.label, time = excluded.time`,
        args,
      });
    }
    await tx.commit();
    return result;
  } finally {
    tx.close();
  }
}

/** The predictions of a model (and version) made in [`start`, `end`), each with its label or null. */
export async function labeledPredictions(client: Client, input: LabeledPredictionsInput): Promise<LabeledPrediction[]> {
  const args: Array<string | number> = [input.model, input.start, input.end];
  const version = input.version === undefined ? '' : ' AND e.version = ?';
  if (input.version !== undefined) args.push(Number(input.version));
  const { rows } = await client.execute({
    sql: `SELECT e.version, e.arm, e.status, e.latency_ms, e.output_prediction, e.output_probability, f.label
      FROM prediction_events e LEFT JOIN prediction_feedback f ON f.prediction_id = e.prediction_id
      WHERE e.model = ? AND e.time >= ? AND e.time < ?${version}`,
    args,
  });
  const num = (v: unknown) => (v === null ? null : Number(v));
  return rows.map((row) => ({
    version: String(row.version),
    arm: row.arm as LabeledPrediction['arm'],
    status: Number(row.status),
    latency_ms: Number(row.latency_ms),
    prediction: num(row.output_prediction),
    probability: num(row.output_probability),
    label: num(row.label),
  }));
}
