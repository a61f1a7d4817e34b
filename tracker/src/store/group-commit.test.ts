import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LibsqlStore, openStore } from './libsql-store.ts';

describe('group commit of logging requests', () => {
  let dir: string;
  let store: LibsqlStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edgeflow-group-'));
    store = await openStore({ url: `file:${join(dir, 'tracker.db')}` });
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const newRun = async () => (await store.createRun({ experiment_id: '0' })).info.run_id;
  const count = async (runId: string, key?: string) =>
    Number(
      (
        await store.client.execute({
          sql: `SELECT count(*) AS n FROM metrics WHERE run_uuid = ?${key ? ' AND key = ?' : ''}`,
          args: key ? [runId, key] : [runId],
        })
      ).rows[0]!.n,
    );

  it('stores every one of many concurrent single writes, in fewer transactions than writes', async () => {
    const runs = [await newRun(), await newRun()];
    const batch = vi.spyOn(store.client, 'batch');
    try {
      await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          store.logBatch(runs[i % 2]!, { metrics: [{ key: `k${i % 3}`, value: i, timestamp: 1000 + i, step: i }] }),
        ),
      );
      // the first write goes alone while the others queue; the rest share a few commits
      expect(batch.mock.calls.length).toBeLessThan(20);
    } finally {
      batch.mockRestore();
    }
    expect((await count(runs[0]!)) + (await count(runs[1]!))).toBe(200);
    // latest values follow (step, timestamp), not the order the writes were grouped in
    const latest = Object.fromEntries((await store.getRun(runs[1]!)).data.metrics.map((m) => [m.key, m.step]));
    expect(latest).toEqual({ k0: 195, k1: 199, k2: 197 });
  });

  it('keeps the latest value right when a later point arrives first in the same group', async () => {
    const run = await newRun();
    await Promise.all([
      store.logBatch(run, { metrics: [{ key: 'loss', value: 0.9, timestamp: 1, step: 9 }] }),
      store.logBatch(run, { metrics: [{ key: 'loss', value: 0.1, timestamp: 2, step: 10 }] }),
      store.logBatch(run, { metrics: [{ key: 'loss', value: 0.5, timestamp: 3, step: 2 }] }),
      store.logBatch(run, { metrics: [{ key: 'loss', value: 0.3, timestamp: 2, step: 10 }] }),
    ]);
    expect((await store.getRun(run)).data.metrics).toEqual([{ key: 'loss', value: 0.3, timestamp: 2, step: 10 }]);
  });

  it('fails only the write for an unknown or deleted run; the others of its group are stored', async () => {
    const good = await newRun();
    const deleted = await newRun();
    await store.client.execute({ sql: "UPDATE runs SET lifecycle_stage = 'deleted' WHERE run_uuid = ?", args: [deleted] });
    const point = (step: number) => ({ metrics: [{ key: 'm', value: step, timestamp: 1, step }] });
    const results = await Promise.allSettled([
      store.logBatch(good, point(1)),
      store.logBatch('f'.repeat(32), point(2)),
      store.logBatch(good, point(3)),
      store.logBatch(deleted, point(4)),
      store.logBatch(good, point(5)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
    expect((results[3] as PromiseRejectedResult).reason).toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    expect(await count(good)).toBe(3);
    expect(await count(deleted)).toBe(0);
  });

  it('retries each write alone when the group transaction fails, so the failure stays with its own request', async () => {
    const run = await newRun();
    // A write the database itself refuses (as a full disk or a constraint would).
    await store.client.execute(
      "CREATE TRIGGER refuse_boom BEFORE INSERT ON metrics WHEN NEW.key = 'boom' BEGIN SELECT RAISE(ABORT, 'boom refused'); END",
    );
    try {
      const writes = [
        { metrics: [{ key: 'a', value: 1, timestamp: 1, step: 1 }] },
        { metrics: [{ key: 'a', value: 2, timestamp: 1, step: 2 }, { key: 'boom', value: 1, timestamp: 1, step: 1 }] },
        { metrics: [{ key: 'b', value: 3, timestamp: 1, step: 3 }] },
      ];
      // Hold the write lock so all three queue and form one group.
      const blocker = store.logBatch(run, { metrics: [{ key: 'z', value: 0, timestamp: 1, step: 0 }] });
      const results = await Promise.allSettled(writes.map((w) => store.logBatch(run, w)));
      await blocker;
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(String((results[1] as PromiseRejectedResult).reason)).toContain('boom refused');
      // all or nothing per request: the refused write's other point is not stored either
      expect(await count(run, 'a')).toBe(1);
      expect(await count(run, 'b')).toBe(1);
      expect(await count(run, 'boom')).toBe(0);
      expect(Object.fromEntries((await store.getRun(run)).data.metrics.map((m) => [m.key, m.value]))).toEqual({
        a: 1,
        b: 3,
        z: 0,
      });
    } finally {
      await store.client.execute('DROP TRIGGER refuse_boom');
    }
  });

  it('refuses, alone and whole, a request of the group that would change a param an earlier one logged', async () => {
    const run = await newRun();
    await store.logBatch(run, { params: [{ key: 'old', value: '1' }] });
    const blocker = store.logBatch(run, { metrics: [{ key: 'z', value: 0, timestamp: 1, step: 0 }] });
    const results = await Promise.allSettled([
      store.logBatch(run, { params: [{ key: 'lr', value: '0.1' }], metrics: [{ key: 'a', value: 1, timestamp: 1, step: 1 }] }),
      store.logBatch(run, { params: [{ key: 'lr', value: '0.2' }], metrics: [{ key: 'b', value: 1, timestamp: 1, step: 1 }] }),
      store.logBatch(run, { params: [{ key: 'lr', value: '0.1' }], tags: [{ key: 't', value: 'first' }] }),
      store.logBatch(run, { params: [{ key: 'old', value: '2' }], tags: [{ key: 'u', value: 'x' }] }),
      store.logBatch(run, { tags: [{ key: 't', value: 'second' }, { key: 'mlflow.runName', value: 'renamed' }] }),
    ]);
    await blocker;
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe(
      `Changing param values is not allowed. Param with key='lr' was already logged with value='0.1' for run ID='${run}'. ` +
        `Attempted logging new value '0.2'.`,
    );
    expect((results[3] as PromiseRejectedResult).reason.message).toContain("key='old' was already logged with value='1'");
    const after = await store.getRun(run);
    expect(after.data.params).toEqual([
      { key: 'lr', value: '0.1' },
      { key: 'old', value: '1' },
    ]);
    expect(after.data.metrics.map((m) => m.key)).toEqual(['a', 'z']);
    const tags = Object.fromEntries(after.data.tags.map((t) => [t.key, t.value]));
    expect(tags).toMatchObject({ t: 'second', 'mlflow.runName': 'renamed' });
    expect(tags.u).toBeUndefined();
    expect(after.info.run_name).toBe('renamed');
  });

  it('stores an identical point once, whether logged twice in a group, in a batch, or later again', async () => {
    const run = await newRun();
    const p = { key: 'dup', value: 0.25, timestamp: 7, step: 3 };
    await Promise.all([store.logBatch(run, { metrics: [p] }), store.logBatch(run, { metrics: [p] })]);
    await store.logBatch(run, { metrics: [p, p, { ...p, value: 0.5 }] });
    await store.logBatch(run, { metrics: [p], params: [{ key: 'x', value: '1' }] });
    await store.logBatch(run, { metrics: [{ ...p, value: Number.NaN }] });
    await store.logBatch(run, { metrics: [{ ...p, value: Number.NaN }, { ...p, value: Number.NaN }] });
    await store.logBatch(run, { metrics: [{ ...p, value: Number.NaN }], tags: [{ key: 't', value: 'v' }] });
    const history = await store.getMetricHistory(run, 'dup', { max_results: 100 });
    // NaN (stored as NULL, which a unique index never finds equal) is deduplicated too, and sorts first
    expect(history.metrics.map((m) => m.value)).toEqual([Number.NaN, 0.25, 0.5]);
  });
});
