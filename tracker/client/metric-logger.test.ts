import { describe, expect, it } from 'vitest';
import { MetricLogger } from './metric-logger.ts';
import type { Metric } from './schemas.ts';
import { TrackerError } from './tracker-error.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A sink that records batches, slowly, and checks that sends never overlap. */
function sink(delayMs = 5) {
  const batches: Required<Metric>[][] = [];
  let inFlight = 0;
  let overlapped = false;
  const send = async (metrics: Required<Metric>[]) => {
    if (inFlight++) overlapped = true;
    await sleep(delayMs);
    batches.push(metrics);
    inFlight--;
  };
  return { send, batches, overlapped: () => overlapped };
}

describe('MetricLogger', () => {
  it('sends full batches at once, one request at a time, in order; close sends the rest', async () => {
    const s = sink();
    const logger = new MetricLogger(s.send, { maxBatch: 10, flushMs: 60_000 });
    for (let i = 0; i < 95; i++) logger.log('m', i, i, 1);
    await logger.close();
    expect(s.batches.map((b) => b.length)).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 5]);
    expect(s.batches.flat().map((m) => m.value)).toEqual(Array.from({ length: 95 }, (_, i) => i));
    expect(s.overlapped()).toBe(false);
  });

  it('flush waits for sends already in flight', async () => {
    const s = sink(30);
    const logger = new MetricLogger(s.send, { maxBatch: 2, flushMs: 60_000 });
    logger.log('a', 1);
    logger.log('a', 2); // starts a background send that takes 30 ms
    await logger.flush();
    expect(s.batches.flat().map((m) => m.value)).toEqual([1, 2]);
  });

  it('sends a partial batch flushMs after its first point', async () => {
    const s = sink(0);
    const logger = new MetricLogger(s.send, { flushMs: 20 });
    logger.log('a', 1);
    await sleep(5);
    logger.log('a', 2);
    expect(s.batches).toHaveLength(0);
    await sleep(60);
    expect(s.batches.map((b) => b.map((m) => m.value))).toEqual([[1, 2]]);
    await logger.close();
  });

  it('defaults step to 0 and timestamp to now, and checks its input', () => {
    const logger = new MetricLogger(async () => {});
    const before = Date.now();
    logger.log('a', 1);
    expect(logger.pending).toBe(1);
    expect(() => logger.log('', 1)).toThrow(TypeError);
    expect(() => logger.log('a', '1' as unknown as number)).toThrow(TypeError);
    expect(() => logger.log('a', 1, 1.5)).toThrow(/step must be an integer/);
    expect(before).toBeLessThanOrEqual(Date.now());
    return logger.close();
  });

  it('keeps points after a retriable failure and surfaces it from close, then a second close succeeds', async () => {
    let fail = true;
    const got: number[] = [];
    const logger = new MetricLogger(
      async (ms) => {
        if (fail) throw new TrackerError('UNREACHABLE', 0, 'cannot reach the tracker');
        got.push(...ms.map((m) => m.value));
      },
      { flushMs: 60_000 },
    );
    logger.log('a', 1);
    logger.log('a', 2);
    await expect(logger.close()).rejects.toThrow(/cannot reach/);
    expect(logger.pending).toBe(2);
    fail = false;
    await logger.close();
    expect(got).toEqual([1, 2]);
    expect(logger.pending).toBe(0);
  });

  it('surfaces a background failure exactly once', async () => {
    let calls = 0;
    const logger = new MetricLogger(
      async () => {
        if (calls++ === 0) throw new TrackerError('INTERNAL_ERROR', 500, 'boom');
      },
      { maxBatch: 1, flushMs: 60_000 },
    );
    logger.log('a', 1); // background send fails
    await sleep(10);
    await expect(logger.flush()).rejects.toThrow('boom');
    await logger.flush(); // the kept point goes out now
    expect(calls).toBe(2);
    await logger.close();
  });
});
