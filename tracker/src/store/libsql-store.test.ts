import { describe, expect, it } from 'vitest';
import { MlflowError } from '../errors.ts';
import { useTempStore } from '../testing/temp-store.ts';
import { openStore } from './libsql-store.ts';

describe('libSQL store', () => {
  // a folder that does not exist yet: openStore must create it
  const db = useTempStore({ prefix: 'edgeflow-store-', file: 'nested/folder/tracker.db' });

  it('holds WAL, synchronous=NORMAL, a busy timeout and foreign keys on every connection it uses', async () => {
    // Concurrent calls would each borrow a connection if the client had a pool of them.
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        db.store.client.execute(
          ['PRAGMA synchronous', 'PRAGMA busy_timeout', 'PRAGMA foreign_keys', 'PRAGMA journal_mode'][i % 4]!,
        ),
      ),
    );
    for (const [i, r] of results.entries()) {
      const value = Object.values(r.rows[0]!)[0];
      expect(value).toEqual([1, 5000, 1, 'wal'][i % 4]);
    }
  });

  it('creates the Default experiment with id 0, and reopening applies nothing twice', async () => {
    const exp = await db.store.getExperiment('0');
    expect(exp).toMatchObject({ experiment_id: '0', name: 'Default', lifecycle_stage: 'active' });
    const again = await openStore({ url: db.url });
    try {
      expect((await again.getExperimentByName('Default')).experiment_id).toBe('0');
      const migrations = await again.client.execute('SELECT count(*) AS n FROM __drizzle_migrations');
      expect(migrations.rows[0]!.n).toBeGreaterThan(0);
      const [{ n }] = (await again.client.execute("SELECT count(*) AS n FROM experiments WHERE name = 'Default'"))
        .rows as unknown as [{ n: number }];
      expect(n).toBe(1);
    } finally {
      await again.close();
    }
  });

  it('numbers experiments after the default one and refuses a duplicate name', async () => {
    const id = await db.store.createExperiment({ name: 'exp-a', tags: [{ key: 'team', value: 'fraud' }] });
    expect(Number(id)).toBeGreaterThan(0);
    const exp = await db.store.getExperiment(id);
    expect(exp.artifact_location).toBe(`mlflow-artifacts:/${id}`);
    expect(exp.tags).toEqual([{ key: 'team', value: 'fraud' }]);
    await expect(db.store.createExperiment({ name: 'exp-a' })).rejects.toMatchObject({
      code: 'RESOURCE_ALREADY_EXISTS',
    });
  });

  it('keeps as latest the point with the greatest (step, timestamp), whatever order points arrive in', async () => {
    const run = await db.store.createRun({ experiment_id: '0' });
    const id = run.info.run_id;
    await db.store.logBatch(id, {
      metrics: [
        { key: 'loss', value: 0.5, timestamp: 100, step: 5 },
        { key: 'loss', value: 0.9, timestamp: 900, step: 1 },
      ],
    });
    await db.store.logBatch(id, { metrics: [{ key: 'loss', value: 0.1, timestamp: 50, step: 4 }] });
    expect((await db.store.getRun(id)).data.metrics).toEqual([{ key: 'loss', value: 0.5, timestamp: 100, step: 5 }]);
    await db.store.logBatch(id, { metrics: [{ key: 'loss', value: 0.4, timestamp: 101, step: 5 }] });
    expect((await db.store.getRun(id)).data.metrics).toEqual([{ key: 'loss', value: 0.4, timestamp: 101, step: 5 }]);
    const history = await db.store.getMetricHistory(id, 'loss', { max_results: 100 });
    expect(history.metrics.map((m) => m.step)).toEqual([1, 4, 5, 5]);
  });

  it('stores NaN and ±Infinity and reads them back', async () => {
    const run = await db.store.createRun({ experiment_id: '0' });
    const id = run.info.run_id;
    await db.store.logBatch(id, {
      metrics: [
        { key: 'a', value: Number.NaN, timestamp: 1, step: 0 },
        { key: 'b', value: Number.POSITIVE_INFINITY, timestamp: 1, step: 0 },
        { key: 'c', value: Number.NEGATIVE_INFINITY, timestamp: 1, step: 0 },
      ],
    });
    const values = Object.fromEntries((await db.store.getRun(id)).data.metrics.map((m) => [m.key, m.value]));
    expect(values).toEqual({ a: Number.NaN, b: Number.POSITIVE_INFINITY, c: Number.NEGATIVE_INFINITY });
  });

  it('writes nothing of a batch whose param would change a logged value', async () => {
    const run = await db.store.createRun({ experiment_id: '0' });
    const id = run.info.run_id;
    await db.store.logBatch(id, { params: [{ key: 'lr', value: '0.1' }] });
    const error = await db.store
      .logBatch(id, {
        metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0 }],
        params: [
          { key: 'epochs', value: '3' },
          { key: 'lr', value: '0.2' },
        ],
        tags: [{ key: 't', value: 'x' }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MlflowError);
    expect((error as MlflowError).code).toBe('INVALID_PARAMETER_VALUE');
    expect((error as MlflowError).message).toContain("key='lr'");
    const after = await db.store.getRun(id);
    expect(after.data.params).toEqual([{ key: 'lr', value: '0.1' }]);
    expect(after.data.metrics).toEqual([]);
    expect(after.data.tags.map((t) => t.key)).not.toContain('t');
    expect((await db.store.getMetricHistory(id, 'm', { max_results: 10 })).metrics).toEqual([]);
    // the same value again is fine
    await db.store.logBatch(id, { params: [{ key: 'lr', value: '0.1' }] });
  });

  it('pages a history and rejects a forged page token', async () => {
    const run = await db.store.createRun({ experiment_id: '0' });
    const id = run.info.run_id;
    await db.store.logBatch(id, {
      metrics: Array.from({ length: 25 }, (_, i) => ({ key: 'acc', value: i / 25, timestamp: 1000 + i, step: i })),
    });
    const steps: number[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await db.store.getMetricHistory(id, 'acc', { max_results: 10, page_token: token });
      steps.push(...page.metrics.map((m) => m.step));
      token = page.next_page_token;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(steps).toEqual(Array.from({ length: 25 }, (_, i) => i));
    await expect(
      db.store.getMetricHistory(id, 'acc', { max_results: 10, page_token: 'garbage' }),
    ).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
    });
  });

  it('serializes concurrent writers: 8 runs logging at once lose no point', async () => {
    const runs = await Promise.all(Array.from({ length: 8 }, () => db.store.createRun({ experiment_id: '0' })));
    await Promise.all(
      runs.map(async (run, r) => {
        for (let b = 0; b < 10; b++) {
          await db.store.logBatch(run.info.run_id, {
            metrics: Array.from({ length: 500 }, (_, i) => ({ key: 'x', value: r, timestamp: b, step: b * 500 + i })),
            params: [{ key: `p${b}`, value: String(b) }],
          });
        }
      }),
    );
    const counts = await db.store.client.execute({
      sql: `SELECT run_uuid, count(*) AS n FROM metrics WHERE run_uuid IN (${runs.map(() => '?').join(',')}) GROUP BY run_uuid`,
      args: runs.map((r) => r.info.run_id),
    });
    expect(counts.rows.map((row) => row.n)).toEqual(Array(8).fill(5000));
  });

  it('allocates model version numbers one after another under concurrency', async () => {
    await db.store.createRegisteredModel({ name: 'm-concurrent' });
    const versions = await Promise.all(
      Array.from({ length: 6 }, () => db.store.createModelVersion({ name: 'm-concurrent', source: 's3://x' })),
    );
    expect(versions.map((v) => v.version).sort()).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(versions[0]!.status).toBe('PENDING_REGISTRATION');
  });
});
