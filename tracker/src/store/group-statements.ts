import type { InStatement } from '@libsql/client';
import { type GroupOp, RUN_NAME_TAG, type RunWrite } from './group-ops.ts';
import { metricStatements } from './metric-ingest.ts';
import { rows } from './placeholders.ts';
import { RUN_COLUMNS } from './run-read.ts';

/** Rows per multi-row INSERT of runs, params or tags. */
const CHUNK = 1000;

const UPDATE_RUN =
  'UPDATE runs SET status = coalesce(?, status), end_time = coalesce(?, end_time), name = coalesce(?, name) ' +
  `WHERE run_uuid = ? RETURNING ${RUN_COLUMNS}`;
const RENAME_RUN = 'UPDATE runs SET name = ? WHERE run_uuid = ?';

/**
 * The statements of a group's admitted requests, for one transaction, in an order that keeps arrival
 * order where requests meet: new runs first (everything else may refer to them), then metrics, params,
 * tags (the later value of a key wins), and last the changes of runs rows in arrival order: renames by
 * an `mlflow.runName` tag and updates, each update's `RETURNING` row its answer (the run after its own
 * change and the earlier ones). `updates` holds the index of each update's statement, in request order.
 */
export function groupStatements(ops: GroupOp[]): { statements: InStatement[]; updates: number[] } {
  const runs: (string | number)[] = [];
  const writes: RunWrite[] = [];
  const params: (string | number)[] = [];
  const tags = new Map<string, [string, string, string]>();
  /** Changes of runs rows (renames, updates) in arrival order; the indexes of the updates among them. */
  const changes: InStatement[] = [];
  const updates: number[] = [];
  for (const op of ops) {
    if (op.kind === 'create') {
      const r = op.run;
      runs.push(r.runId, r.experimentId, r.name, r.userId, r.startTime, op.artifactUri);
      for (const t of r.tags) tags.set(`${r.runId}\u0000${t.key}`, [r.runId, t.key, t.value]);
    } else if (op.kind === 'log') {
      const w = op.write;
      if (w.metrics.length) writes.push(w);
      for (const p of w.params) params.push(w.runId, p.key, p.value);
      for (const t of w.tags) {
        tags.set(`${w.runId}\u0000${t.key}`, [w.runId, t.key, t.value]);
        if (t.key === RUN_NAME_TAG) changes.push({ sql: RENAME_RUN, args: [t.value, w.runId] });
      }
    } else {
      const c = op.change;
      if (c.runName) tags.set(`${c.runId}\u0000${RUN_NAME_TAG}`, [c.runId, RUN_NAME_TAG, c.runName]);
      updates.push(changes.length);
      changes.push({ sql: UPDATE_RUN, args: [c.status ?? null, c.endTime ?? null, c.runName || null, c.runId] });
    }
  }
  const stmts: InStatement[] = [];
  for (let i = 0; i < runs.length; i += CHUNK * 6) {
    const args = runs.slice(i, i + CHUNK * 6);
    stmts.push({
      sql: `INSERT INTO runs (run_uuid, experiment_id, name, user_id, start_time, artifact_uri) VALUES ${rows(args.length / 6, 6)}`,
      args,
    });
  }
  stmts.push(...metricStatements(writes));
  for (let i = 0; i < params.length; i += CHUNK * 3) {
    const args = params.slice(i, i + CHUNK * 3);
    stmts.push({ sql: `INSERT OR IGNORE INTO params (run_uuid, key, value) VALUES ${rows(args.length / 3, 3)}`, args });
  }
  const tagRows = [...tags.values()];
  for (let i = 0; i < tagRows.length; i += CHUNK) {
    const chunk = tagRows.slice(i, i + CHUNK);
    stmts.push({
      sql:
        `INSERT INTO tags (run_uuid, key, value) VALUES ${rows(chunk.length, 3)} ` +
        `ON CONFLICT (run_uuid, key) DO UPDATE SET value = excluded.value`,
      args: chunk.flat(),
    });
  }
  const first = stmts.length;
  stmts.push(...changes);
  return { statements: stmts, updates: updates.map((i) => first + i) };
}
