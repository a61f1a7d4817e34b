import { describe, expect, it, vi } from 'vitest';
import { useTempStore } from '../testing/temp-store.ts';
import type { LibsqlStore } from './libsql-store.ts';

describe('group commit of logging requests', () => {
  const db = useTempStore({ prefix: 'edgeflow-group-' });

  const newRun = async () => (await db.store.createRun({ experiment_id: '0' })).info.run_id;
  const count = async (runId: string, key?: string) =>
    Number(
      (
        await db.store.client.execute({
          sql: `SELECT count(*) AS n FROM metrics WHERE run_uuid = ?${key ? ' AND key = ?' : ''}`,
          args: key ? [runId, key] : [runId],
        })
      ).rows[0]!.n,
    );

  it('stores every one of many concurrent single writes, in fewer transactions than writes', async () => {
    const runs = [await newRun(), await newRun()];
    const batch = vi.spyOn(db.store.client, 'batch');
    try {
      await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          db.store.logBatch(runs[i % 2]!, { metrics: [{ key: `k${i % 3}`, value: i, timestamp: 1000 + i, step: i }] }),
        ),
      );
      // the first write goes alone while the others queue; the rest share a few commits
      expect(batch.mock.calls.length).toBeLessThan(20);
    } finally {
      batch.mockRestore();
    }
    expect((await count(runs[0]!)) + (await count(runs[1]!))).toBe(200);
    // latest values follow (step, timestamp), not the order the writes were grouped in
    const latest = Object.fromEntries((await db.store.getRun(runs[1]!)).data.metrics.map((m) => [m.key, m.step]));
    expect(latest).toEqual({ k0: 195, k1: 199, k2: 197 });
  });

  it('keeps the latest value right when a later point arrives first in the same group', async () => {
    const run = await newRun();
    await Promise.all([
      db.store.logBatch(run, { metrics: [{ key: 'loss', value: 0.9, timestamp: 1, step: 9 }] }),
      db.store.logBatch(run, { metrics: [{ key: 'loss', value: 0.1, timestamp: 2, step: 10 }] }),
      db.store.logBatch(run, { metrics: [{ key: 'loss', value: 0.5, timestamp: 3, step: 2 }] }),
      db.store.logBatch(run, { metrics: [{ key: 'loss', value: 0.3, timestamp: 2, step: 10 }] }),
    ]);
    expect((await db.store.getRun(run)).data.metrics).toEqual([{ key: 'loss', value: 0.3, timestamp: 2, step: 10 }]);
  });

  it('fails only the write for an unknown or deleted run; the others of its group are stored', async () => {
    const good = await newRun();
    const deleted = await newRun();
    await db.store.client.execute({
      sql: "UPDATE runs SET lifecycle_stage = 'deleted' WHERE run_uuid = ?",
      args: [deleted],
    });
    const point = (step: number) => ({ metrics: [{ key: 'm', value: step, timestamp: 1, step }] });
    const results = await Promise.allSettled([
      db.store.logBatch(good, point(1)),
      db.store.logBatch('f'.repeat(32), point(2)),
      db.store.logBatch(good, point(3)),
      db.store.logBatch(deleted, point(4)),
      db.store.logBatch(good, point(5)),
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
    await db.store.client.execute(
      "CREATE TRIGGER refuse_boom BEFORE INSERT ON metrics WHEN NEW.key = 'boom' BEGIN SELECT RAISE(ABORT, 'boom refused'); END",
    );
    try {
      const writes = [
        { metrics: [{ key: 'a', value: 1, timestamp: 1, step: 1 }] },
        {
          metrics: [
            { key: 'a', value: 2, timestamp: 1, step: 2 },
            { key: 'boom', value: 1, timestamp: 1, step: 1 },
          ],
        },
        { metrics: [{ key: 'b', value: 3, timestamp: 1, step: 3 }] },
      ];
      // Hold the write lock so all three queue and form one group.
      const blocker = db.store.logBatch(run, { metrics: [{ key: 'z', value: 0, timestamp: 1, step: 0 }] });
      const results = await Promise.allSettled(writes.map((w) => db.store.logBatch(run, w)));
      await blocker;
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(String((results[1] as PromiseRejectedResult).reason)).toContain('boom refused');
      // all or nothing per request: the refused write's other point is not stored either
      expect(await count(run, 'a')).toBe(1);
      expect(await count(run, 'b')).toBe(1);
      expect(await count(run, 'boom')).toBe(0);
      expect(Object.fromEntries((await db.store.getRun(run)).data.metrics.map((m) => [m.key, m.value]))).toEqual({
        a: 1,
        b: 3,
        z: 0,
      });
    } finally {
      await db.store.client.execute('DROP TRIGGER refuse_boom');
    }
  });

  it('refuses, alone and whole, a request of the group that would change a param an earlier one logged', async () => {
    const run = await newRun();
    await db.store.logBatch(run, { params: [{ key: 'old', value: '1' }] });
    const blocker = db.store.logBatch(run, { metrics: [{ key: 'z', value: 0, timestamp: 1, step: 0 }] });
    const results = await Promise.allSettled([
      db.store.logBatch(run, {
        params: [{ key: 'lr', value: '0.1' }],
        metrics: [{ key: 'a', value: 1, timestamp: 1, step: 1 }],
      }),
      db.store.logBatch(run, {
        params: [{ key: 'lr', value: '0.2' }],
        metrics: [{ key: 'b', value: 1, timestamp: 1, step: 1 }],
      }),
      db.store.logBatch(run, { params: [{ key: 'lr', value: '0.1' }], tags: [{ key: 't', value: 'first' }] }),
      db.store.logBatch(run, { params: [{ key: 'old', value: '2' }], tags: [{ key: 'u', value: 'x' }] }),
      db.store.logBatch(run, {
        tags: [
          { key: 't', value: 'second' },
          { key: 'mlflow.runName', value: 'renamed' },
        ],
      }),
    ]);
    await blocker;
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe(
      `Changing param values is not allowed. Param with key='lr' was already logged with value='0.1' for run ID='${run}'. ` +
        `Attempted logging new value '0.2'.`,
    );
    expect((results[3] as PromiseRejectedResult).reason.message).toContain(
      "key='old' was already logged with value='1'",
    );
    const after = await db.store.getRun(run);
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
    await Promise.all([db.store.logBatch(run, { metrics: [p] }), db.store.logBatch(run, { metrics: [p] })]);
    await db.store.logBatch(run, { metrics: [p, p, { ...p, value: 0.5 }] });
    await db.store.logBatch(run, { metrics: [p], params: [{ key: 'x', value: '1' }] });
    await db.store.logBatch(run, { metrics: [{ ...p, value: Number.NaN }] });
    await db.store.logBatch(run, {
      metrics: [
        { ...p, value: Number.NaN },
        { ...p, value: Number.NaN },
      ],
    });
    await db.store.logBatch(run, { metrics: [{ ...p, value: Number.NaN }], tags: [{ key: 't', value: 'v' }] });
    const history = await db.store.getMetricHistory(run, 'dup', { max_results: 100 });
    // NaN (stored as NULL, which a unique index never finds equal) is deduplicated too, and sorts first
    expect(history.metrics.map((m) => m.value)).toEqual([Number.NaN, 0.25, 0.5]);
  });
});

describe('group commit of run creates and updates', () => {
  const db = useTempStore({ prefix: 'edgeflow-group-runs-' });

  it('answers createRun with the run exactly as getRun reads it back, tags in SQLite key order', async () => {
    const exp = await db.store.createExperiment({ name: 'answers', artifact_location: 's3://bucket/exp//' });
    // UTF-16 order puts '\uffff' after '😀' (a surrogate pair); SQLite's (UTF-8 byte) order puts it before
    const tags = ['b', 'B', 'a', '😀', '\uffff', 'é', 'mlflow.user'].map((key, i) => ({ key, value: `v${i}` }));
    const created = await db.store.createRun({ experiment_id: exp, run_name: 'first', start_time: 1234, tags });
    expect(created).toEqual(await db.store.getRun(created.info.run_id));
    expect(created.info).toMatchObject({
      run_name: 'first',
      user_id: 'v6',
      start_time: 1234,
      status: 'RUNNING',
      lifecycle_stage: 'active',
    });
    expect(created.info.artifact_uri).toBe(`s3://bucket/exp/${created.info.run_id}/artifacts`);
    expect(created.data.tags.map((t) => t.key)).toEqual([
      'B',
      'a',
      'b',
      'mlflow.runName',
      'mlflow.user',
      'é',
      '\uffff',
      '😀',
    ]);
    const plain = await db.store.createRun({ experiment_id: '0', user_id: 'me' });
    expect(plain).toEqual(await db.store.getRun(plain.info.run_id));
    expect(plain.info.end_time).toBeUndefined();
  });

  it('commits concurrent creates, logs and updates in fewer transactions than requests, each answered its own', async () => {
    const batch = vi.spyOn(db.store.client, 'batch');
    let runs: Awaited<ReturnType<LibsqlStore['createRun']>>[];
    let infos: Awaited<ReturnType<LibsqlStore['updateRun']>>[];
    try {
      runs = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          db.store.createRun({ experiment_id: '0', run_name: `c${i}`, start_time: i }),
        ),
      );
      await Promise.all(
        runs.map((r, i) =>
          db.store.logBatch(r.info.run_id, {
            params: [{ key: 'i', value: String(i) }],
            metrics: [{ key: 'm', value: i, timestamp: 1, step: 0 }],
          }),
        ),
      );
      infos = await Promise.all(
        runs.map((r, i) =>
          db.store.updateRun(r.info.run_id, { status: i % 2 ? 'FAILED' : 'FINISHED', end_time: 1000 + i }),
        ),
      );
      expect(batch.mock.calls.length).toBeLessThan(20);
    } finally {
      batch.mockRestore();
    }
    expect(new Set(runs.map((r) => r.info.run_id)).size).toBe(40);
    expect(runs.map((r) => r.info.run_name)).toEqual(Array.from({ length: 40 }, (_, i) => `c${i}`));
    expect(infos.map((x) => [x.run_id, x.status, x.end_time])).toEqual(
      runs.map((r, i) => [r.info.run_id, i % 2 ? 'FAILED' : 'FINISHED', 1000 + i]),
    );
    for (const [i, r] of runs.entries()) {
      const back = await db.store.getRun(r.info.run_id);
      expect(back.info).toEqual(infos[i]);
      expect(back.data.params).toEqual([{ key: 'i', value: String(i) }]);
      expect(back.data.metrics).toEqual([{ key: 'm', value: i, timestamp: 1, step: 0 }]);
    }
  });

  it('fails only the create in a missing or deleted experiment, and the update of a missing or deleted run', async () => {
    const gone = await db.store.createExperiment({ name: 'gone' });
    await db.store.deleteExperiment(gone);
    const live = (await db.store.createRun({ experiment_id: '0' })).info.run_id;
    const deleted = (await db.store.createRun({ experiment_id: '0' })).info.run_id;
    await db.store.deleteRun(deleted);
    const results = await Promise.allSettled([
      db.store.createRun({ experiment_id: '0', run_name: 'ok' }),
      db.store.createRun({ experiment_id: '424242' }),
      db.store.createRun({ experiment_id: gone }),
      db.store.updateRun(live, { status: 'KILLED' }),
      db.store.updateRun('f'.repeat(32), { status: 'KILLED' }),
      db.store.updateRun(deleted, { status: 'KILLED' }),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'rejected',
      'fulfilled',
      'rejected',
      'rejected',
    ]);
    const reason = (i: number) => (results[i] as PromiseRejectedResult).reason;
    expect(reason(1)).toMatchObject({
      code: 'RESOURCE_DOES_NOT_EXIST',
      message: 'No Experiment with id=424242 exists',
    });
    expect(reason(2)).toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringContaining("must be in the 'active' state"),
    });
    expect(reason(4)).toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
    expect(reason(5)).toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    expect((await db.store.getRun(deleted)).info.status).toBe('RUNNING');
    expect((await db.store.getRun(live)).info.status).toBe('KILLED');
    const { rows } = await db.store.client.execute({
      sql: 'SELECT count(*) AS n FROM runs WHERE experiment_id = ?',
      args: [Number(gone)],
    });
    expect(Number(rows[0]!.n)).toBe(0);
  });

  it('applies renames in arrival order within a group, and each update answers the run after its own change', async () => {
    const run = (await db.store.createRun({ experiment_id: '0', run_name: 'start' })).info.run_id;
    const [first, , second] = await Promise.all([
      db.store.updateRun(run, { status: 'FINISHED', run_name: 'by-update' }),
      db.store.logBatch(run, { tags: [{ key: 'mlflow.runName', value: 'by-tag' }] }),
      db.store.updateRun(run, { end_time: 77 }),
    ]);
    expect(first).toMatchObject({ status: 'FINISHED', run_name: 'by-update' });
    expect(first.end_time).toBeUndefined();
    expect(second).toMatchObject({ status: 'FINISHED', run_name: 'by-tag', end_time: 77 });
    expect((await db.store.getRun(run)).data.tags).toContainEqual({ key: 'mlflow.runName', value: 'by-tag' });
    const [, renamed] = await Promise.all([
      db.store.logBatch(run, { tags: [{ key: 'mlflow.runName', value: 'tag-again' }] }),
      db.store.updateRun(run, { run_name: 'update-last' }),
    ]);
    expect(renamed.run_name).toBe('update-last');
    const back = await db.store.getRun(run);
    expect(back.info.run_name).toBe('update-last');
    expect(back.data.tags).toContainEqual({ key: 'mlflow.runName', value: 'update-last' });
  });
});
