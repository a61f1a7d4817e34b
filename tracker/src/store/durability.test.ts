import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { afterAll, describe, expect, it } from 'vitest';
import { API } from '../testing/tracker-fixture.ts';
import { startTrackerProcess, type TrackerProcess } from '../testing/tracker-process.ts';

const CLIENTS = 8;
const ROUNDS = 3;
const BATCH = 200;

/**
 * kill -9 of the tracker while 8 clients log batches: after a restart every point the tracker
 * acknowledged is there, and the database passes SQLite's integrity check.
 */
describe('durability: kill -9 while 8 clients log', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgeflow-durability-'));
  const dirs = { dataDir: join(dir, 'data'), stateDir: join(dir, 'state') };
  let tracker: TrackerProcess | undefined;
  afterAll(async () => {
    await tracker?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it(`loses no acknowledged point in ${ROUNDS} rounds`, async () => {
    tracker = await startTrackerProcess(dirs);
    const runs: string[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      const run = await tracker.post(`${API}/runs/create`, { experiment_id: '0', run_name: `client-${i}` });
      runs.push(run.body.run.info.run_id);
    }
    /** Per run: the steps of every batch the tracker answered 200 to. */
    const acked = runs.map(() => new Set<number>());
    let step = 0;
    let lost = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const t = tracker;
      let stop = false;
      const clients = runs.map(async (runId, i) => {
        while (!stop) {
          const first = step;
          step += BATCH;
          const metrics = Array.from({ length: BATCH }, (_, k) => ({
            key: 'm',
            value: first + k,
            timestamp: 1,
            step: first + k,
          }));
          try {
            const res = await fetch(`${t.url}${API}/runs/log-batch`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ run_id: runId, metrics }),
            });
            if (res.status === 200) for (let k = 0; k < BATCH; k++) acked[i]!.add(first + k);
            else await res.text();
          } catch {
            return; // the tracker is gone
          }
        }
      });
      // let the clients log for a moment, then kill the tracker in the middle of it
      await new Promise((resolve) => setTimeout(resolve, 700 + 300 * round));
      await t.kill('SIGKILL');
      stop = true;
      await Promise.all(clients);
      expect(await t.exited).toBe('SIGKILL');

      tracker = await startTrackerProcess(dirs);
      for (const [i, runId] of runs.entries()) {
        const stored = new Set<number>();
        let token: string | undefined;
        do {
          const page = await tracker.get(`${API}/metrics/get-history`, {
            run_id: runId,
            metric_key: 'm',
            max_results: '25000',
            ...(token ? { page_token: token } : {}),
          });
          for (const m of page.body.metrics ?? []) stored.add(Number(m.step));
          token = page.body.next_page_token;
        } while (token);
        for (const s of acked[i]!) if (!stored.has(s)) lost++;
      }
    }
    const total = acked.reduce((n, s) => n + s.size, 0);
    console.log(`durability: ${ROUNDS} kill -9 rounds, ${total} points acknowledged, ${lost} lost`);
    expect(total).toBeGreaterThan(0);
    expect(lost).toBe(0);

    await tracker.kill('SIGKILL');
    tracker = undefined;
    const db = createClient({ url: `file:${join(dirs.dataDir, 'tracker.db')}` });
    try {
      expect((await db.execute('PRAGMA integrity_check')).rows[0]![0]).toBe('ok');
    } finally {
      db.close();
    }
  }, 300_000);
});
