import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { PredictionEvent } from '../../contracts/index.ts';
import { FIRST_RETRY_DELAY_S, LOG_BATCH_PATH, MAX_RETRY_DELAY_S, retryDelaySeconds } from './forward-events.ts';
import worker from './index.ts';
import { recordedRequests } from './testing/recorded.ts';
import { RECORDING_TRACKER_HOST } from './testing/recording-tracker.ts';

const event = (id: string): PredictionEvent => ({
  prediction_id: id,
  model: 'fraud-detector',
  version: '3',
  arm: 'canary',
  time: 1_700_000_000_000,
  inputs: [1, 2.5, -3],
  output: { prediction: 1, probability: 0.9, label: 'fraud' },
  latency_ms: 1.25,
  status: 200,
});

async function consume(bodies: unknown[], vars: Record<string, string> = {}, attempts = 1) {
  const batch = createMessageBatch('edgeflow-events', [
    ...bodies.map((body, i) => ({ id: `m${i}`, timestamp: new Date(1000), attempts, body })),
  ]);
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...env, ...vars } as Env);
  return getQueueResult(batch, ctx);
}

const lastPosted = async (path: string) => (await recordedRequests()).filter((r) => r.path === path).at(-1);

describe('the events queue consumer', () => {
  it('posts the batch to the tracker with the ingest token and acknowledges it on 2xx', async () => {
    const id = crypto.randomUUID();
    const result = await consume([event(id), event(`${id}-b`)]);
    expect(result).toMatchObject({ explicitAcks: [], retryBatch: { retry: false }, ackAll: true, retryMessages: [] });
    const posted = (await recordedRequests()).find((r) => r.body.includes(id))!;
    expect(posted.method).toBe('POST');
    expect(posted.path).toBe(LOG_BATCH_PATH);
    expect(posted.headers.authorization).toBe('Bearer test-ingest-token');
    expect(posted.headers['content-type']).toBe('application/json');
    expect(JSON.parse(posted.body)).toEqual({ events: [event(id), event(`${id}-b`)] });
  });

  it('retries the whole batch with backoff when the tracker answers 5xx', async () => {
    const url = `http://${RECORDING_TRACKER_HOST}/status/503/`;
    const first = await consume([event(crypto.randomUUID())], { TRACKER_URL: url });
    // getQueueResult reports whether the batch is retried, not its delay (see retryDelaySeconds below)
    expect(first).toMatchObject({ ackAll: false, retryBatch: { retry: true }, explicitAcks: [] });
    expect((await lastPosted(`/status/503${LOG_BATCH_PATH}`))?.method).toBe('POST');
  });

  it('retries when no TRACKER_URL is set, and when the tracker is unreachable', async () => {
    expect((await consume([event('a')], { TRACKER_URL: '' })).retryBatch.retry).toBe(true);
    expect((await consume([event('b')], { TRACKER_URL: 'http://elsewhere.test' })).retryBatch.retry).toBe(true);
  });

  it('acknowledges a message that is not a prediction event and posts the rest', async () => {
    const id = crypto.randomUUID();
    const result = await consume([{ nope: true }, event(id)]);
    expect(result.explicitAcks).toEqual(['m0']);
    expect(result.ackAll).toBe(true);
    const posted = (await recordedRequests()).find((r) => r.body.includes(id))!;
    expect(JSON.parse(posted.body).events).toHaveLength(1);
  });

  it('doubles the delay each attempt up to a cap', () => {
    expect([1, 2, 3].map(retryDelaySeconds)).toEqual([1, 2, 4].map((k) => k * FIRST_RETRY_DELAY_S));
    expect(retryDelaySeconds(30)).toBe(MAX_RETRY_DELAY_S);
  });
});
