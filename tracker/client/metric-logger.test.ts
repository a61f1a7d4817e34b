import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricLogger } from './metric-logger.ts';
import { type FaultProxy, startFaultProxy } from './testing/fault-proxy.ts';
import { recordingFetch } from './testing/recording-fetch.ts';
import { openTestTracker, type TestTracker } from './testing/test-tracker.ts';
import { TrackerClient } from './tracker-client.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/* MetricLogger as TrackerClient.metricLogger builds it, against the real tracker over real HTTP. */
describe('MetricLogger', () => {
  let tracker: TestTracker;
  let proxy: FaultProxy;

  beforeAll(async () => {
    tracker = await openTestTracker();
    proxy = await startFaultProxy(tracker.url);
  });
  afterAll(async () => {
    await proxy?.close();
    await tracker?.close();
  });

  /**
   * A client whose requests are recorded and each held `delayMs` before it goes out (through the
   * fault proxy when `viaProxy`), counting whether two were ever in flight at once.
   */
  function setUp(opts: { delayMs?: number; viaProxy?: boolean } = {}) {
    let inFlight = 0;
    let overlapped = false;
    const slow: typeof fetch = async (input, init) => {
      if (inFlight++) overlapped = true;
      try {
        await sleep(opts.delayMs ?? 0);
        return await fetch(input, init);
      } finally {
        inFlight--;
      }
    };
    const rec = recordingFetch(slow);
    const client = new TrackerClient({ baseUrl: opts.viaProxy ? proxy.url : tracker.url, fetch: rec.fetch });
    const batches = () =>
      rec
        .to('mlflow/runs/log-batch')
        .map((c) => (c.json as { metrics: { key: string; value: number; step: number }[] }).metrics);
    return { client, rec, batches, overlapped: () => overlapped };
  }

  const newRun = async () =>
    (await new TrackerClient({ baseUrl: tracker.url }).createRun({ experimentId: '0', runName: 'logger' })).run_id;

  /** A metric's stored history, read with the tracker's get-history. */
  async function history(runId: string, key: string): Promise<{ value: number; step: number; timestamp: number }[]> {
    const res = await fetch(
      `${tracker.url}/api/2.0/mlflow/metrics/get-history?${new URLSearchParams({ run_id: runId, metric_key: key })}`,
    );
    expect(res.status).toBe(200);
    return ((await res.json()) as { metrics?: { value: number; step: number; timestamp: number }[] }).metrics ?? [];
  }

  it('sends full batches at once, one request at a time, in order; close sends the rest', async () => {
    const runId = await newRun();
    const s = setUp({ delayMs: 5 });
    const logger = s.client.metricLogger(runId, { maxBatch: 10, flushMs: 60_000 });
    for (let i = 0; i < 95; i++) logger.log('m', i, i, 1);
    await logger.close();
    expect(s.batches().map((b) => b.length)).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 5]);
    expect(
      s
        .batches()
        .flat()
        .map((m) => m.value),
    ).toEqual(Array.from({ length: 95 }, (_, i) => i));
    expect(s.overlapped()).toBe(false);
    expect((await history(runId, 'm')).map((m) => m.value)).toEqual(Array.from({ length: 95 }, (_, i) => i));
  });

  it('flush waits for sends already in flight', async () => {
    const runId = await newRun();
    const s = setUp({ delayMs: 30 });
    const logger = s.client.metricLogger(runId, { maxBatch: 2, flushMs: 60_000 });
    logger.log('a', 1);
    logger.log('a', 2); // starts a background send that takes 30 ms
    await logger.flush();
    expect(
      s
        .batches()
        .flat()
        .map((m) => m.value),
    ).toEqual([1, 2]);
    expect((await history(runId, 'a')).map((m) => m.value)).toEqual([1, 2]);
  });

  it('sends a partial batch flushMs after its first point', async () => {
    const runId = await newRun();
    const s = setUp();
    const logger = s.client.metricLogger(runId, { flushMs: 20 });
    logger.log('a', 1);
    await sleep(5);
    logger.log('a', 2);
    expect(s.batches()).toHaveLength(0);
    await sleep(100);
    expect(s.batches().map((b) => b.map((m) => m.value))).toEqual([[1, 2]]);
    expect((await history(runId, 'a')).map((m) => m.value)).toEqual([1, 2]);
    await logger.close();
    expect(s.batches()).toHaveLength(1);
  });

  it('defaults step to 0 and timestamp to now, and checks its input', async () => {
    const runId = await newRun();
    const logger = setUp().client.metricLogger(runId);
    const before = Date.now();
    logger.log('a', 1);
    expect(logger.pending).toBe(1);
    expect(() => logger.log('', 1)).toThrow(TypeError);
    expect(() => logger.log('a', '1' as unknown as number)).toThrow(TypeError);
    expect(() => logger.log('a', 1, 1.5)).toThrow(/step must be an integer/);
    await logger.close();
    const [point, ...rest] = await history(runId, 'a');
    expect(rest).toEqual([]);
    expect(point).toMatchObject({ value: 1, step: 0 });
    expect(point!.timestamp).toBeGreaterThanOrEqual(before);
    expect(point!.timestamp).toBeLessThanOrEqual(Date.now());
  });

  it('keeps points after a dropped connection and surfaces it from close, then a second close succeeds', async () => {
    const runId = await newRun();
    const s = setUp({ viaProxy: true });
    const logger = s.client.metricLogger(runId, { flushMs: 60_000 });
    logger.log('a', 1);
    logger.log('a', 2);
    proxy.failNext((r) => r.path.endsWith('/log-batch'), 'drop');
    await expect(logger.close()).rejects.toThrow(/cannot reach the tracker/);
    expect(logger.pending).toBe(2);
    expect(await history(runId, 'a')).toEqual([]);
    await logger.close();
    expect(logger.pending).toBe(0);
    expect((await history(runId, 'a')).map((m) => m.value)).toEqual([1, 2]);
  });

  it('keeps points the tracker could not take yet (429) and sends them on the next flush', async () => {
    const runId = await newRun();
    const s = setUp({ viaProxy: true });
    const logger = s.client.metricLogger(runId, { flushMs: 60_000 });
    logger.log('a', 1);
    proxy.failNext((r) => r.path.endsWith('/log-batch'), {
      status: 429,
      body: JSON.stringify({ error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'slow down' }),
    });
    await expect(logger.flush()).rejects.toThrow(/REQUEST_LIMIT_EXCEEDED: slow down$/);
    expect(logger.pending).toBe(1);
    await logger.close();
    expect(s.batches()).toHaveLength(2);
    expect((await history(runId, 'a')).map((m) => m.value)).toEqual([1]);
  });

  it('surfaces a background failure exactly once', async () => {
    const runId = await newRun();
    const s = setUp({ viaProxy: true });
    const logger = s.client.metricLogger(runId, { maxBatch: 1, flushMs: 60_000 });
    proxy.failNext((r) => r.path.endsWith('/log-batch'), {
      status: 500,
      body: JSON.stringify({ error_code: 'INTERNAL_ERROR', message: 'boom' }),
    });
    logger.log('a', 1); // background send fails
    // sent (the buffer emptied), then put back when the 500 came
    await expect.poll(() => s.batches().length === 1 && logger.pending === 1).toBe(true);
    await sleep(10);
    await expect(logger.flush()).rejects.toThrow('boom');
    await logger.flush(); // the kept point goes out now
    expect(s.batches()).toHaveLength(2);
    await logger.close();
    expect(s.batches()).toHaveLength(2);
    expect((await history(runId, 'a')).map((m) => m.value)).toEqual([1]);
  });

  it('works on any sender: the constructor takes the function that sends a batch', async () => {
    const runId = await newRun();
    const client = new TrackerClient({ baseUrl: tracker.url });
    const logger = new MetricLogger((metrics) => client.logBatch(runId, { metrics }), { maxBatch: 3, flushMs: 60_000 });
    for (let i = 0; i < 7; i++) logger.log('b', i, i);
    await logger.close();
    expect((await history(runId, 'b')).map((m) => m.step)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});
