import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logModelRun, modelFiles, registerVersion } from '../testing/model-files.ts';
import { API } from '../testing/tracker-fixture.ts';
import { startTrackerProcess, type TrackerProcess } from '../testing/tracker-process.ts';

/**
 * A tracker killed with SIGKILL at each step of a promotion (`EDGEFLOW_FAULT`, see `fault-point.ts`),
 * then started again: the KV pointer, the `production` alias and the deployment history agree, and the
 * flip happened exactly when KV had been written.
 */
describe('promotion survives kill -9 at every step', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgeflow-crash-'));
  const dirs = { dataDir: join(dir, 'data'), stateDir: join(dir, 'state') };
  const MODEL = 'crash-model';
  let tracker: TrackerProcess | undefined;

  const start = async (env: Record<string, string> = {}) => {
    tracker = await startTrackerProcess({ ...dirs, env });
    return tracker;
  };
  const stop = async () => {
    await tracker?.kill('SIGKILL');
    tracker = undefined;
  };

  async function state(t: TrackerProcess) {
    const deployments = await t.get('/api/2.0/edgeflow/deployments/get', { name: MODEL });
    const alias = await t.get(`${API}/registered-models/alias`, { name: MODEL, alias: 'production' });
    return {
      pointer: deployments.body.pointer?.version as string | undefined,
      alias: alias.body.model_version?.version as string | undefined,
      history: (deployments.body.history as { to_version: string }[]).map((d) => d.to_version),
    };
  }

  beforeAll(async () => {
    const t = await start();
    for (const tag of ['a', 'b', 'c'])
      await registerVersion(t, MODEL, await logModelRun(t, modelFiles(tag)), { edge: true });
    const first = await t.post(`${API}/registered-models/alias`, { name: MODEL, alias: 'production', version: '1' });
    expect(first.status).toBe(200);
    await stop();
  }, 180_000);

  afterAll(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['flip:after-intent', false],
    ['flip:after-decide', false],
    ['flip:after-kv', true],
    ['flip:after-complete', true],
  ])(
    'killed at %s: pointer == alias == history after restart (flip happened: %s)',
    async (point, happened) => {
      let t = await start();
      const before = await state(t);
      expect(before.pointer).toBe(before.alias);
      await stop();

      const target = before.pointer === '2' ? '3' : '2';
      t = await start({ EDGEFLOW_FAULT: point });
      const answer = await t
        .post(`${API}/registered-models/alias`, { name: MODEL, alias: 'production', version: target })
        .catch((error: unknown) => error);
      expect(answer, 'the request dies with the tracker').toBeInstanceOf(Error);
      expect(await t.exited).toBe('SIGKILL');
      await stop(); // its local edge's workerd, still in the group

      t = await start();
      const after = await state(t);
      const live = happened ? target : before.pointer;
      expect(after).toEqual({
        pointer: live,
        alias: live,
        history: happened ? [target, ...before.history] : before.history,
      });
      // the next promotion goes through: nothing is left holding the model
      const next = await t.post(`${API}/registered-models/alias`, { name: MODEL, alias: 'production', version: '1' });
      expect(next.status, JSON.stringify(next.body)).toBe(200);
      expect((await state(t)).pointer).toBe('1');
      await stop();
    },
    180_000,
  );

  it('leaves no pending flip and an intact database', async () => {
    const db = createClient({ url: `file:${join(dirs.dataDir, 'tracker.db')}` });
    try {
      const pending = await db.execute("SELECT count(*) AS n FROM deployments WHERE state = 'pending'");
      expect(Number(pending.rows[0]!.n)).toBe(0);
      const check = await db.execute('PRAGMA integrity_check');
      expect(check.rows[0]![0]).toBe('ok');
    } finally {
      db.close();
    }
  });
});
