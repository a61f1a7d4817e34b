import type { Client, InStatement } from '@libsql/client';
import { invalid, notFound } from '../errors.ts';
import { metricStatements } from './metric-ingest.ts';
import type { Metric, Param, Tag } from './tracking-store.ts';
import type { WriteLock } from './write-lock.ts';

/** One logging request: a run's metrics, params and tags (keys already checked unique). */
export interface RunWrite {
  runId: string;
  metrics: Metric[];
  params: Param[];
  tags: Tag[];
}

interface Pending extends RunWrite {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** What one group commits at most: items (metrics, params and tags) and requests. */
const MAX_GROUP_ITEMS = 10_000;
const MAX_GROUP_WRITES = 1_000;
/** Rows per multi-row INSERT of params or tags. */
const CHUNK = 1000;
const RUN_NAME_TAG = 'mlflow.runName';

/**
 * Group commit of logging requests (`log-batch`, `log-metric`, `log-parameter`, `set-tag`). Requests
 * that arrive while the database is busy wait together and go in as one transaction when the write
 * lock frees: one run check, one look-up of the params already logged, a few multi-row statements, one
 * commit. Each caller's promise settles only after the commit that holds its writes.
 *
 * Every request stays all or nothing and its errors its own: a missing or inactive run, or a param
 * that would change a logged value (earlier requests of the same group included), rejects that request
 * before the transaction; should the transaction itself fail, each request is retried in a transaction
 * of its own. Requests are applied in arrival order, so of two tags with one key the later wins.
 */
export class GroupCommit {
  readonly #client: Client;
  readonly #lock: WriteLock;
  #pending: Pending[] = [];
  #scheduled = false;

  constructor(client: Client, lock: WriteLock) {
    this.#client = client;
    this.#lock = lock;
  }

  /** Writes one request; resolves once committed, rejects with its own MlflowError or database error. */
  write(request: RunWrite): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({ ...request, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    void this.#lock.run(() => this.#flush());
  }

  async #flush(): Promise<void> {
    this.#scheduled = false;
    let items = 0;
    let take = 0;
    while (take < this.#pending.length && take < MAX_GROUP_WRITES) {
      const next = this.#pending[take]!;
      const size = next.metrics.length + next.params.length + next.tags.length;
      if (take > 0 && items + size > MAX_GROUP_ITEMS) break;
      items += size;
      take++;
    }
    const group = this.#pending.splice(0, take);
    if (this.#pending.length) this.#schedule();
    try {
      const ready = await this.#admit(group);
      if (!ready.length) return;
      try {
        await this.#client.batch(statements(ready), 'write');
        for (const item of ready) item.resolve();
      } catch (error) {
        if (ready.length === 1) throw error;
        for (const item of ready) {
          // Alone, a request is checked again: the group's earlier requests are not in the database now.
          const [alone] = await this.#admit([item]);
          if (alone) await this.#client.batch(statements([alone]), 'write').then(alone.resolve, alone.reject);
        }
      }
    } catch (error) {
      for (const item of group) item.reject(error);
    }
  }

  /** Rejects the requests for a missing or inactive run, or that would change a param; returns the rest. */
  async #admit(group: Pending[]): Promise<Pending[]> {
    const { stage, logged } = await this.#lookUp(group);
    return group.filter((item) => {
      const s = stage.get(item.runId);
      if (s !== 'active') {
        item.reject(
          s === undefined
            ? notFound(`Run with id=${item.runId} not found`)
            : invalid(`The run ${item.runId} must be in the 'active' state. Current state is ${s}.`),
        );
        return false;
      }
      for (const p of item.params) {
        const old = logged.get(`${item.runId}\u0000${p.key}`);
        if (old !== undefined && old !== p.value) {
          item.reject(
            invalid(
              `Changing param values is not allowed. Param with key='${p.key}' was already logged with ` +
                `value='${old}' for run ID='${item.runId}'. Attempted logging new value '${p.value}'.`,
            ),
          );
          return false;
        }
      }
      for (const p of item.params) logged.set(`${item.runId}\u0000${p.key}`, p.value);
      return true;
    });
  }

  /** In one query: the lifecycle stage of the group's runs and the stored values of the params it logs. */
  async #lookUp(group: Pending[]): Promise<{ stage: Map<string, string>; logged: Map<string, string> }> {
    const runIds = [...new Set(group.map((g) => g.runId))];
    const keys = [...new Set(group.flatMap((g) => g.params.map((p) => p.key)))];
    const { rows } = await this.#client.execute(
      keys.length
        ? {
            sql:
              `SELECT r.run_uuid, r.lifecycle_stage, p.key, p.value FROM runs r LEFT JOIN params p ` +
              `ON p.run_uuid = r.run_uuid AND p.key IN (${marks(keys.length)}) WHERE r.run_uuid IN (${marks(runIds.length)})`,
            args: [...keys, ...runIds],
          }
        : {
            sql: `SELECT run_uuid, lifecycle_stage, NULL AS key, NULL AS value FROM runs WHERE run_uuid IN (${marks(runIds.length)})`,
            args: runIds,
          },
    );
    const stage = new Map<string, string>();
    const logged = new Map<string, string>();
    for (const r of rows) {
      stage.set(r.run_uuid as string, r.lifecycle_stage as string);
      if (r.key !== null) logged.set(`${r.run_uuid as string}\u0000${r.key as string}`, r.value as string);
    }
    return { stage, logged };
  }
}

/** The statements of admitted requests, for one transaction. */
function statements(writes: RunWrite[]): InStatement[] {
  const stmts = metricStatements(writes.filter((w) => w.metrics.length));
  const params: (string | number)[] = [];
  const tags = new Map<string, [string, string, string]>();
  const names = new Map<string, string>();
  for (const w of writes) {
    for (const p of w.params) params.push(w.runId, p.key, p.value);
    for (const t of w.tags) {
      tags.set(`${w.runId}\u0000${t.key}`, [w.runId, t.key, t.value]);
      if (t.key === RUN_NAME_TAG) names.set(w.runId, t.value);
    }
  }
  for (let i = 0; i < params.length; i += CHUNK * 3) {
    const args = params.slice(i, i + CHUNK * 3);
    stmts.push({ sql: `INSERT OR IGNORE INTO params (run_uuid, key, value) VALUES ${rowMarks(args.length / 3)}`, args });
  }
  const tagRows = [...tags.values()];
  for (let i = 0; i < tagRows.length; i += CHUNK) {
    const chunk = tagRows.slice(i, i + CHUNK);
    stmts.push({
      sql:
        `INSERT INTO tags (run_uuid, key, value) VALUES ${rowMarks(chunk.length)} ` +
        `ON CONFLICT (run_uuid, key) DO UPDATE SET value = excluded.value`,
      args: chunk.flat(),
    });
  }
  for (const [runId, name] of names) stmts.push({ sql: 'UPDATE runs SET name = ? WHERE run_uuid = ?', args: [name, runId] });
  return stmts;
}

const marks = (n: number) => Array(n).fill('?').join(',');
const rowMarks = (n: number) => Array(n).fill('(?,?,?)').join(',');
