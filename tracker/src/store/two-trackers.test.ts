import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logModelRun, modelFiles, registerVersion } from '../testing/model-files.ts';
import { API } from '../testing/tracker-fixture.ts';
import { startTrackerProcess, type TrackerProcess } from '../testing/tracker-process.ts';

/**
 * Two tracker processes on one libSQL file and one edge state — what two replicas on one Turso database
 * look like: logging through both loses nothing, concurrent promotions through both end with the
 * pointer, the alias and the last history row agreeing, and no "database is locked" reaches a client.
 */
describe('two trackers, one database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgeflow-two-'));
  const dirs = { dataDir: join(dir, 'data'), stateDir: join(dir, 'state') };
  let a: TrackerProcess;
  let b: TrackerProcess;

  beforeAll(async () => {
    a = await startTrackerProcess(dirs);
    b = await startTrackerProcess(dirs); // one after the other: the local edges open the same state
  }, 180_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs through both at once and loses nothing', async () => {
    const runs: string[] = [];
    for (let i = 0; i < 8; i++) {
      const via = i % 2 ? b : a;
      runs.push((await via.post(`${API}/runs/create`, { experiment_id: '0' })).body.run.info.run_id);
    }
    const BATCHES = 15;
    const BATCH = 100;
    const failures: string[] = [];
    await Promise.all(
      runs.map(async (runId, i) => {
        for (let n = 0; n < BATCHES; n++) {
          // every run gets batches through both trackers, interleaved
          const via = (i + n) % 2 ? b : a;
          const metrics = Array.from({ length: BATCH }, (_, k) => ({
            key: 'm',
            value: k,
            timestamp: 1,
            step: n * BATCH + k,
          }));
          const res = await via.post(`${API}/runs/log-batch`, { run_id: runId, metrics });
          if (res.status !== 200) failures.push(`${res.status} ${JSON.stringify(res.body)}`);
        }
      }),
    );
    expect(failures).toEqual([]);
    for (const runId of runs) {
      const history = await b.get(`${API}/metrics/get-history`, {
        run_id: runId,
        metric_key: 'm',
        max_results: '25000',
      });
      expect(history.body.metrics).toHaveLength(BATCHES * BATCH);
    }
  }, 120_000);

  it('promotes through both at once and ends with pointer == alias == last history row', async () => {
    const MODEL = 'two-model';
    for (const tag of ['a', 'b', 'c'])
      await registerVersion(a, MODEL, await logModelRun(a, modelFiles(tag)), { edge: true });
    const answers: { status: number; body: unknown }[] = [];
    for (let round = 0; round < 5; round++) {
      const [x, y] = await Promise.all([
        a.post(`${API}/registered-models/alias`, {
          name: MODEL,
          alias: 'production',
          version: String(1 + (round % 3)),
        }),
        b.post(`${API}/registered-models/alias`, {
          name: MODEL,
          alias: 'production',
          version: String(1 + ((round + 1) % 3)),
        }),
      ]);
      answers.push(x, y);
      for (const via of [a, b]) {
        const d = await via.get('/api/2.0/edgeflow/deployments/get', { name: MODEL });
        const alias = await via.get(`${API}/registered-models/alias`, { name: MODEL, alias: 'production' });
        expect(d.body.pointer.version).toBe(alias.body.model_version.version);
        expect(d.body.history[0].to_version).toBe(d.body.pointer.version);
      }
    }
    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(JSON.stringify(answers)).not.toMatch(/locked/i);
    const history = (await a.get('/api/2.0/edgeflow/deployments/get', { name: MODEL })).body.history;
    expect(history).toHaveLength(10);
  }, 180_000);
});
