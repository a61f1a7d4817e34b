import type { Client, ResultSet } from '@libsql/client';
import { invalid } from '../errors.ts';
import type { Run, RunInfo } from './entities.ts';
import type { GroupOp, NewRun, RunChange, RunWrite } from './group-ops.ts';
import { groupStatements } from './group-statements.ts';
import { experimentNotFound, notActive, runNotFound } from './guards.ts';
import { marks } from './placeholders.ts';
import { runInfoOf } from './run-read.ts';
import { byKey } from './tag-list.ts';
import type { WriteLock } from './write-lock.ts';

interface Pending {
  op: GroupOp;
  /** Settles the caller's promise (typed by the op's kind; method syntax keeps it assignable). */
  resolve(value: unknown): void;
  reject: (error: unknown) => void;
}

/** What one group commits at most: items (metrics, params, tags, runs) and requests. */
const MAX_GROUP_ITEMS = 10_000;
const MAX_GROUP_WRITES = 1_000;

/**
 * Group commit of the run writes that come in numbers: logging requests (`log-batch`, `log-metric`,
 * `log-parameter`, `set-tag`), `runs/create` and `runs/update`. Requests that arrive in the same turn of
 * the event loop, or while the database is busy, wait together and go in as one transaction when the
 * write lock frees: one look-up of the runs
 * and params (and experiments) they touch, a few multi-row statements, one commit. Each caller's promise
 * settles only after the commit that holds its writes.
 *
 * Every request stays all or nothing and its errors its own: a missing or inactive run or experiment, or
 * a param that would change a logged value (earlier requests of the same group included), rejects that
 * request before the transaction; should the transaction itself fail, each request is retried in a
 * transaction of its own. Requests are applied in arrival order, so of two tags with one key the later
 * wins, and an update answers the run as it is after its own change.
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

  /** Writes one logging request; resolves once committed, rejects with its own MlflowError or database error. */
  write(request: RunWrite): Promise<void> {
    return this.#enqueue({ kind: 'log', write: request });
  }

  /** Creates a run; resolves with the run as `runs/get` would read it once committed. */
  create(run: NewRun): Promise<Run> {
    return this.#enqueue({ kind: 'create', run, artifactUri: '' });
  }

  /** Updates an active run; resolves with its info after the change, once committed. */
  update(change: RunChange): Promise<RunInfo> {
    return this.#enqueue({ kind: 'update', change });
  }

  #enqueue<T>(op: GroupOp): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({ op, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    void this.#lock.run(async () => {
      // Let this turn of the event loop finish its I/O callbacks first, so the requests that arrived
      // together (their database work is synchronous, so they would otherwise go one by one) form a group.
      await new Promise((resolve) => setImmediate(resolve));
      return this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#scheduled = false;
    let items = 0;
    let take = 0;
    while (take < this.#pending.length && take < MAX_GROUP_WRITES) {
      const size = sizeOf(this.#pending[take]!.op);
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
        this.#settle(ready, await this.#commit(ready));
      } catch (error) {
        if (ready.length === 1) throw error;
        for (const item of ready) {
          // Alone, a request is checked again: the group's earlier requests are not in the database now.
          const [alone] = await this.#admit([item]);
          if (alone) await this.#commit([alone]).then((results) => this.#settle([alone], results), alone.reject);
        }
      }
    } catch (error) {
      for (const item of group) item.reject(error);
    }
  }

  /** Commits admitted requests in one transaction; the result sets of their update statements, in order. */
  async #commit(ready: Pending[]): Promise<ResultSet[]> {
    const { statements, updates } = groupStatements(ready.map((p) => p.op));
    const results = await this.#client.batch(statements, 'write');
    return updates.map((i) => results[i]!);
  }

  #settle(ready: Pending[], updateResults: ResultSet[]): void {
    let u = 0;
    for (const item of ready) {
      const { op } = item;
      if (op.kind === 'log') item.resolve(undefined);
      else if (op.kind === 'create') item.resolve(createdRun(op.run, op.artifactUri));
      else item.resolve(runInfoOf(updateResults[u++]!.rows[0]!));
    }
  }

  /** Rejects the requests for a missing or inactive run or experiment, or that would change a param; returns the rest. */
  async #admit(group: Pending[]): Promise<Pending[]> {
    const { stage, logged } = await this.#lookUpRuns(group);
    const experiments = await this.#lookUpExperiments(group);
    return group.filter((item) => {
      const { op } = item;
      if (op.kind === 'create') {
        const { experimentId } = op.run;
        const exp = experiments.get(experimentId);
        if (exp?.stage !== 'active') {
          item.reject(exp ? notActive('experiment', experimentId, exp.stage) : experimentNotFound(experimentId));
          return false;
        }
        op.artifactUri = `${exp.location.replace(/\/+$/, '')}/${op.run.runId}/artifacts`;
        return true;
      }
      const runId = op.kind === 'log' ? op.write.runId : op.change.runId;
      const s = stage.get(runId);
      if (s !== 'active') {
        item.reject(s === undefined ? runNotFound(runId) : notActive('run', runId, s));
        return false;
      }
      if (op.kind === 'update') return true;
      for (const p of op.write.params) {
        const old = logged.get(`${runId}\u0000${p.key}`);
        if (old !== undefined && old !== p.value) {
          item.reject(
            invalid(
              `Changing param values is not allowed. Param with key='${p.key}' was already logged with ` +
                `value='${old}' for run ID='${runId}'. Attempted logging new value '${p.value}'.`,
            ),
          );
          return false;
        }
      }
      for (const p of op.write.params) logged.set(`${runId}\u0000${p.key}`, p.value);
      return true;
    });
  }

  /** In one query: the lifecycle stage of the group's existing runs and the stored values of the params it logs. */
  async #lookUpRuns(group: Pending[]): Promise<{ stage: Map<string, string>; logged: Map<string, string> }> {
    const runIds = new Set<string>();
    const keys = new Set<string>();
    for (const { op } of group) {
      if (op.kind === 'update') runIds.add(op.change.runId);
      if (op.kind !== 'log') continue;
      runIds.add(op.write.runId);
      for (const p of op.write.params) keys.add(p.key);
    }
    const stage = new Map<string, string>();
    const logged = new Map<string, string>();
    if (!runIds.size) return { stage, logged };
    const { rows } = await this.#client.execute(
      keys.size
        ? {
            sql:
              `SELECT r.run_uuid, r.lifecycle_stage, p.key, p.value FROM runs r LEFT JOIN params p ` +
              `ON p.run_uuid = r.run_uuid AND p.key IN (${marks(keys.size)}) WHERE r.run_uuid IN (${marks(runIds.size)})`,
            args: [...keys, ...runIds],
          }
        : {
            sql: `SELECT run_uuid, lifecycle_stage, NULL AS key, NULL AS value FROM runs WHERE run_uuid IN (${marks(runIds.size)})`,
            args: [...runIds],
          },
    );
    for (const r of rows) {
      stage.set(r.run_uuid as string, r.lifecycle_stage as string);
      if (r.key !== null) logged.set(`${r.run_uuid as string}\u0000${r.key as string}`, r.value as string);
    }
    return { stage, logged };
  }

  /** The stage and artifact location of the experiments the group creates runs in. */
  async #lookUpExperiments(group: Pending[]): Promise<Map<number, { stage: string; location: string }>> {
    const ids = new Set<number>();
    for (const { op } of group) if (op.kind === 'create') ids.add(op.run.experimentId);
    const out = new Map<number, { stage: string; location: string }>();
    if (!ids.size) return out;
    const { rows } = await this.#client.execute({
      sql: `SELECT experiment_id, lifecycle_stage, artifact_location FROM experiments WHERE experiment_id IN (${marks(ids.size)})`,
      args: [...ids],
    });
    for (const r of rows)
      out.set(Number(r.experiment_id), { stage: r.lifecycle_stage as string, location: r.artifact_location as string });
    return out;
  }
}

function sizeOf(op: GroupOp): number {
  if (op.kind === 'log') return op.write.metrics.length + op.write.params.length + op.write.tags.length;
  return op.kind === 'create' ? op.run.tags.length + 1 : 1;
}

/** A new run as `runs/get` reads it back: the row just inserted, no metrics, params or inputs yet, its tags in key order. */
function createdRun(run: NewRun, artifactUri: string): Run {
  // the values of RUN_COLUMNS, as the insert and the columns' defaults leave them
  const row = [
    run.runId,
    run.experimentId,
    run.name,
    run.userId,
    'RUNNING',
    run.startTime,
    null,
    'active',
    artifactUri,
  ];
  return {
    info: runInfoOf(row),
    data: { metrics: [], params: [], tags: byKey(run.tags.map((t) => ({ key: t.key, value: t.value }))) },
    inputs: { dataset_inputs: [] },
  };
}
