/*
 * Quick in-process measurement of runs/search (the real benchmark, over HTTP, is scripts/bench-tracker.ts):
 * 10,000 runs × (10 params + 10 metrics) seeded straight into a fresh libSQL file, then the search
 * through the app without a server. Run: `npx tsx scripts/bench/measure-run-search.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../tracker/src/app.ts';
import { openLocalEdge } from '../../tracker/src/edge/local-edge.ts';
import { openStore } from '../../tracker/src/store/libsql-store.ts';

const RUNS = 10_000;
const dir = mkdtempSync(join(tmpdir(), 'edgeflow-search-'));
const store = await openStore({ url: `file:${join(dir, 'tracker.db')}` });
const edge = await openLocalEdge({ stateDir: join(dir, 'state') });
const app = createApp({ store, edge });
try {
  await store.createExperiment({ name: 'bench' });
  for (let start = 0; start < RUNS; start += 500) {
    const stmts = [];
    for (let i = start; i < start + 500; i++) {
      const id = i.toString(16).padStart(32, '0');
      stmts.push({
        sql: "INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time, lifecycle_stage, artifact_uri) VALUES (?, 1, ?, 'u', 'FINISHED', ?, 'active', ?)",
        args: [id, `run-${i}`, 1_700_000_000_000 + i, `mlflow-artifacts:/1/${id}/artifacts`],
      });
      const p: (string | number)[] = [];
      const m: (string | number)[] = [];
      for (let k = 0; k < 10; k++) {
        p.push(id, `p${k}`, String((i * (k + 1)) % 50));
        m.push(id, `m${k}`, 0, 1, ((i * 7919 + k * 104729) % 10_000) / 10_000);
      }
      stmts.push({
        sql: `INSERT INTO params (run_uuid, key, value) VALUES ${Array(10).fill('(?,?,?)').join(',')}`,
        args: p,
      });
      stmts.push({
        sql: `INSERT INTO latest_metrics (run_uuid, key, step, timestamp, value) VALUES ${Array(10).fill('(?,?,?,?,?)').join(',')}`,
        args: m,
      });
      stmts.push({
        sql: "INSERT INTO tags (run_uuid, key, value) VALUES (?, 'mlflow.runName', ?)",
        args: [id, `run-${i}`],
      });
    }
    await store.client.batch(stmts, 'write');
  }
  await store.client.execute('ANALYZE');

  const measure = async (label: string, body: Record<string, unknown>) => {
    const times: number[] = [];
    let count = 0;
    for (let i = 0; i < 25; i++) {
      const t0 = performance.now();
      const res = await app.request('/api/2.0/mlflow/runs/search', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ experiment_ids: ['1'], ...body }),
      });
      const json = (await res.json()) as { runs?: unknown[] };
      times.push(performance.now() - t0);
      count = json.runs?.length ?? 0;
    }
    times.sort((a, b) => a - b);
    console.log(`${label}: median ${times[12]!.toFixed(1)} ms, p90 ${times[22]!.toFixed(1)} ms (${count} runs a page)`);
  };
  await measure('no filter, first page of 100', { max_results: 100 });
  await measure('metric + param filter, order by a metric, 100', {
    filter: "metrics.m3 > 0.5 and params.p2 = '10'",
    order_by: ['metrics.m1 DESC'],
    max_results: 100,
  });
  await measure('metric + param filter, order by a metric, 1000', {
    filter: "metrics.m3 > 0.2 and params.p0 LIKE '1%'",
    order_by: ['metrics.m1 DESC'],
    max_results: 1000,
  });
  await measure('order by a metric only, 100', { order_by: ['metrics.m5 ASC'], max_results: 100 });
} finally {
  await edge.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
