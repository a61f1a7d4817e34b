/**
 * `npm run bench:loop`: the spine's numbers on real processes in fresh temp folders — the time `npm start`
 * takes from nothing to the first prediction (training included) and on a filled registry, and the cold
 * and warm latency of `POST /predict` through `wrangler dev`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type LoopConfig, startWorker } from './services.ts';
import { startLoop } from './start.ts';

const WARM_REQUESTS = 300;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'edgeflow-bench-loop-'));
  const cfg: LoopConfig = {
    trackerHost: '127.0.0.1',
    trackerPort: await freePort(),
    workerPort: await freePort(),
    dataDir: join(dir, 'data'),
    stateDir: join(dir, 'state'),
    ingestToken: randomBytes(24).toString('base64url'),
  };
  const rows: [string, string][] = [];
  try {
    let t0 = performance.now();
    let loop = await startLoop(cfg);
    rows.push(['start → first prediction, empty registry (trains the demo model)', secs(performance.now() - t0)]);
    await loop.stop();

    t0 = performance.now();
    loop = await startLoop(cfg);
    rows.push(['start → first prediction, filled registry', secs(performance.now() - t0)]);
    const body = loop.sampleBody;
    await loop.worker.stop();

    // Cold: a fresh workerd isolate, so the first request reads the pointer and loads the model from R2.
    const worker = await startWorker(cfg);
    try {
      let t = performance.now();
      await predict(worker.url, body);
      rows.push(['predict, cold isolate (pointer + model load + warm-up)', ms(performance.now() - t)]);
      const times: number[] = [];
      for (let i = 0; i < WARM_REQUESTS; i++) {
        t = performance.now();
        await predict(worker.url, body);
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
      rows.push([`predict, warm, sequential (${WARM_REQUESTS}) p50`, ms(q(0.5))]);
      rows.push([`predict, warm, sequential (${WARM_REQUESTS}) p99`, ms(q(0.99))]);
    } finally {
      await worker.stop();
      await loop.tracker.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log("\nloop bench (real tracker + wrangler dev on this machine; latency includes wrangler dev's proxy)");
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
}

async function predict(url: string, body: string): Promise<void> {
  const res = await fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  if (!res.ok) throw new Error(`predict answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
}

const secs = (x: number) => `${(x / 1000).toFixed(1)} s`;
const ms = (x: number) => `${x.toFixed(1)} ms`;

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
