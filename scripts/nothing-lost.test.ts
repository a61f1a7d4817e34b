// Nothing lost, on real processes: the tracker (Node, libSQL file) and `wrangler dev` (workerd, its simulated
// events queue). With the tracker stopped, the worker answers predictions and takes their labels; once the
// tracker is started again, every event arrives (counted by prediction_id) and every label is joined to its
// prediction. NOTHING_LOST_COUNT sets how many predictions (default 500; the issue's 10,000 as a manual run).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_LABELS_PER_BATCH } from '../contracts/index.ts';
import { TrackerClient } from '../tracker/client/index.ts';
import { freePort, type LoopConfig, type Service, sleep, startTracker, startWorker } from './services.ts';
import { DEMO_MODEL } from './start.ts';
import { trainAndLog } from './train.ts';

const COUNT = Number(process.env.NOTHING_LOST_COUNT || 500);
const PER_REQUEST = 100;
const SMALL = { nSamples: 1200, epochs: 2, hiddenUnits: [8] };

describe('nothing lost while the tracker is down', () => {
  let dir: string;
  let cfg: LoopConfig;
  let tracker: Service | undefined;
  let worker: Service | undefined;
  let sample: number[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edgeflow-nothing-lost-'));
    cfg = {
      trackerHost: '127.0.0.1',
      trackerPort: await freePort(),
      workerPort: await freePort(),
      dataDir: join(dir, 'data'),
      stateDir: join(dir, 'state'),
      ingestToken: 'nothing-lost-token',
    };
    tracker = await startTracker(cfg);
    const trained = await trainAndLog(new TrackerClient({ baseUrl: tracker.url }), {
      ...SMALL,
      model: DEMO_MODEL,
      promote: true,
      log: () => {},
    });
    sample = trained.signature.sample.map(Number);
    worker = await startWorker(cfg);
  }, 240_000);

  afterAll(async () => {
    await worker?.stop();
    await tracker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`delivers all ${COUNT} events and joins all their labels once the tracker is back`, async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${worker!.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    // the worker serves before the tracker goes away
    expect((await post('/predict', { features: sample })).status).toBe(200);
    await tracker!.stop();

    const ids: string[] = [];
    const labels: Array<{ prediction_id: string; label: number }> = [];
    for (let at = 0; at < COUNT; at += PER_REQUEST) {
      const n = Math.min(PER_REQUEST, COUNT - at);
      const instances = Array.from({ length: n }, (_, i) => sample.map((x, j) => x + Math.sin(at + i + j)));
      const res = await post('/predict', { instances });
      expect(res.status, await res.clone().text()).toBe(200);
      const { predictions } = (await res.json()) as {
        predictions: Array<{ prediction_id: string; prediction: number }>;
      };
      for (const p of predictions) {
        ids.push(p.prediction_id);
        labels.push({ prediction_id: p.prediction_id, label: ids.length % 3 === 0 ? 1 - p.prediction : p.prediction });
      }
    }
    for (let at = 0; at < labels.length; at += MAX_LABELS_PER_BATCH) {
      const res = await post('/feedback', { labels: labels.slice(at, at + MAX_LABELS_PER_BATCH) });
      expect(res.status, await res.clone().text()).toBe(202);
    }
    expect(new Set(ids).size).toBe(COUNT);

    const restarted = Date.now();
    tracker = await startTracker(cfg);
    const url = tracker.url;
    const arrived = new Set<string>();
    let labeled = 0;
    const deadline = Date.now() + 240_000;
    while (Date.now() < deadline) {
      let token: string | undefined;
      do {
        const page = await fetch(
          `${url}/api/2.0/edgeflow/predictions/search?model=${DEMO_MODEL}&max_results=1000${token ? `&page_token=${token}` : ''}`,
        );
        const body = (await page.json()) as { events: Array<{ prediction_id: string }>; next_page_token?: string };
        for (const e of body.events) arrived.add(e.prediction_id);
        token = body.next_page_token;
      } while (token);
      const quality = await fetch(`${url}/api/2.0/edgeflow/monitoring/quality?name=${DEMO_MODEL}`);
      const { versions } = (await quality.json()) as { versions: Array<{ arm: string; labels: { count: number } }> };
      labeled = versions.find((v) => v.arm === 'live')?.labels.count ?? 0;
      if (ids.every((id) => arrived.has(id)) && labeled === COUNT) break;
      await sleep(1000);
    }
    console.log(
      `nothing lost: ${COUNT} events and ${labeled} labels joined ${((Date.now() - restarted) / 1000).toFixed(1)} s after the tracker started again`,
    );
    expect(ids.filter((id) => !arrived.has(id))).toEqual([]);
    expect(labeled).toBe(COUNT);
  }, 600_000);
});
