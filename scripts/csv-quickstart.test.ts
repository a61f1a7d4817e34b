// The README's three commands, on real processes: `npm start` (its loop: the tracker and `wrangler dev`
// on free ports), `npm run train -- --csv …` as a child process, and a prediction over HTTP; then the
// prediction is seen by the tracker's monitoring, against the reference the CSV run logged.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Prediction } from '../contracts/index.ts';
import { formatCsv } from './lib/csv.ts';
import { createRng } from './lib/random.ts';
import { freePort, type LoopConfig, sleep } from './services.ts';
import { type Loop, startLoop } from './start.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A small CSV of transactions: a numeric amount (some missing), a channel, an hour, an id and the label. */
function transactionsCsv(n: number): string {
  const rng = createRng(11);
  const channels = ['web', 'pos', 'atm'];
  const rows = Array.from({ length: n }, (_, i) => {
    const amount = Math.exp(3 + rng.normal());
    const channel = channels[rng.int(3)]!;
    const score = Math.log(amount) - 3 + (channel === 'web' ? 1.5 : -0.5) + 0.3 * rng.normal();
    return [`t${i}`, i % 17 === 0 ? '' : amount.toFixed(2), channel, String(rng.int(24)), score > 1 ? '1' : '0'];
  });
  return formatCsv({ header: ['txn_id', 'amount', 'channel', 'hour', 'is_fraud'], rows });
}

describe("the README's three commands: a CSV becomes a served, monitored model", () => {
  let dir: string;
  let cfg: LoopConfig;
  let loop: Loop;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edgeflow-csv-quickstart-'));
    cfg = {
      trackerHost: '127.0.0.1',
      trackerPort: await freePort(),
      workerPort: await freePort(),
      dataDir: join(dir, 'data'),
      stateDir: join(dir, 'state'),
      ingestToken: 'csv-quickstart-token',
    };
    // 1. npm start
    loop = await startLoop(cfg, { train: { nSamples: 300, epochs: 1, hiddenUnits: [8] } });
  }, 240_000);

  afterAll(async () => {
    await loop?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('trains, promotes, answers and monitors', async () => {
    const csv = join(dir, 'transactions.csv');
    writeFileSync(csv, transactionsCsv(400));
    const env: NodeJS.ProcessEnv = { ...process.env, EDGEFLOW_TRACKER_PORT: String(cfg.trackerPort) };
    delete env.MLFLOW_TRACKING_URI;

    // 2. npm run train -- --csv transactions.csv --label is_fraud --id txn_id --name card-fraud --promote
    const train = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ROOT, 'scripts/train.ts'),
        '--csv',
        csv,
        '--label',
        'is_fraud',
        '--id',
        'txn_id',
        '--name',
        'card-fraud',
        '--promote',
        '--epochs',
        '8',
      ],
      { cwd: ROOT, env },
    );
    expect(train.stdout).toMatch(/^ {2}channel +categorical +0 +3 +feature$/m);
    expect(train.stdout).toMatch(/^promoted card-fraud version 1 \(alias production\)$/m);

    // 3. curl -X POST localhost:8787/v1/models/card-fraud/predict -d '{"inputs": {...}}'
    const predict = () =>
      fetch(`http://127.0.0.1:${cfg.workerPort}/v1/models/card-fraud/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: { amount: 120.5, channel: 'web', hour: 23 } }),
      });
    let res = await predict();
    for (const deadline = Date.now() + 20_000; res.status !== 200 && Date.now() < deadline; ) {
      await sleep(250);
      res = await predict();
    }
    expect(res.status, await res.clone().text()).toBe(200);
    const answer = (await res.json()) as Prediction;
    expect(answer).toMatchObject({ model: 'card-fraud', version: '1', label: expect.stringMatching(/^[01]$/) });
    expect(answer.probability).toBeGreaterThan(0.5); // a large web payment
    const missing = await fetch(`http://127.0.0.1:${cfg.workerPort}/v1/models/card-fraud/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: { amount: null, channel: 'phone', hour: 3 } }),
    });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain('must be one of \\"atm\\", \\"pos\\", \\"web\\" or null');

    // monitored: the prediction reaches the tracker, binned against the run's reference.json ('web' is category 2)
    const drift = async () =>
      (await fetch(`http://127.0.0.1:${cfg.trackerPort}/api/2.0/edgeflow/monitoring/drift?name=card-fraud`)).json();
    let report = await drift();
    for (const deadline = Date.now() + 20_000; !(report.binned >= 1) && Date.now() < deadline; ) {
      await sleep(250);
      report = await drift();
    }
    expect(report.reference).toMatchObject({ source: 'training', status: 'ready' });
    expect(report.binned).toBe(1);
    const channel = report.features.find((f: { name: string }) => f.name === 'channel');
    expect(channel).toMatchObject({ kind: 'categorical', bins: { categories: [0, 1, 2], current: [0, 0, 1, 0] } });
  }, 180_000);
});
