import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { FeedbackMessage, PredictionEvent } from '../../contracts/index.ts';
import {
  FEEDBACK_PATH,
  FIRST_RETRY_DELAY_S,
  LOG_BATCH_PATH,
  MAX_RETRY_DELAY_S,
  retryDelaySeconds,
} from './forward-events.ts';
import worker from './index.ts';
import { recordedRequests } from './testing/recorded.ts';
import { RECORDING_TRACKER_HOST, UNKNOWN_ID_PREFIX } from './testing/recording-tracker.ts';

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

const label = (id: string, value: number | string = 1): FeedbackMessage => ({
  kind: 'feedback',
  prediction_id: id,
  label: value,
  time: 1_700_000_000_500,
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

  it('acknowledges a message that is neither an event nor a label, a malformed label too', async () => {
    const result = await consume([{ kind: 'feedback', prediction_id: 'x' }, label(crypto.randomUUID())]);
    expect(result.explicitAcks).toEqual(['m0']);
    expect(result.ackAll).toBe(true);
  });

  it('posts the events of a mixed batch first, then its labels (with their time, without kind), and acknowledges it', async () => {
    const id = crypto.randomUUID();
    const result = await consume([label(id, 'fraud'), event(id), label(`${id}-b`, 0)]);
    expect(result).toMatchObject({ ackAll: true, retryBatch: { retry: false }, retryMessages: [] });
    const posted = (await recordedRequests()).filter((r) => r.body.includes(id));
    expect(posted.map((r) => r.path)).toEqual([LOG_BATCH_PATH, FEEDBACK_PATH]);
    expect(posted[1]!.headers.authorization).toBe('Bearer test-ingest-token');
    expect(JSON.parse(posted[1]!.body)).toEqual({
      labels: [
        { prediction_id: id, label: 'fraud', time: 1_700_000_000_500 },
        { prediction_id: `${id}-b`, label: 0, time: 1_700_000_000_500 },
      ],
    });
  });

  it('retries alone the labels the tracker refuses by id (their events may be on the way) and stores the rest', async () => {
    const id = crypto.randomUUID();
    const unknown = `${UNKNOWN_ID_PREFIX}${id}`;
    const result = await consume([event(id), label(unknown), label(id), label(`${unknown}-2`)], {}, 3);
    expect(result.ackAll).toBe(false);
    expect(result.retryBatch.retry).toBe(false);
    expect(result.retryMessages).toEqual([{ msgId: 'm1' }, { msgId: 'm3' }]);
    expect(result.explicitAcks.sort()).toEqual(['m0', 'm2']);
    const labels = (await recordedRequests())
      .filter((r) => r.path === FEEDBACK_PATH && r.body.includes(id))
      .map((r) => JSON.parse(r.body).labels.map((l: { prediction_id: string }) => l.prediction_id));
    expect(labels).toEqual([[id]]);
  });

  it('retries the labels but not the stored events when the tracker takes events and fails on labels', async () => {
    const url = `http://${RECORDING_TRACKER_HOST}/status/500/`;
    const id = crypto.randomUUID();
    // the stand-in answers 500 to both posts here: the events fail, so the whole batch is retried
    const both = await consume([event(id), label(id)], { TRACKER_URL: url });
    expect(both).toMatchObject({ ackAll: false, retryBatch: { retry: true } });
    const labelsOnly = await consume([label(id), label(`${id}-b`)], { TRACKER_URL: url }, 2);
    expect(labelsOnly.retryBatch.retry).toBe(false);
    expect(labelsOnly.retryMessages).toEqual([{ msgId: 'm0' }, { msgId: 'm1' }]);
    expect((await lastPosted(`/status/500${FEEDBACK_PATH}`))?.body).toContain(`${id}-b`);
  });

  it('doubles the delay each attempt up to a cap', () => {
    expect([1, 2, 3].map(retryDelaySeconds)).toEqual([1, 2, 4].map((k) => k * FIRST_RETRY_DELAY_S));
    expect(retryDelaySeconds(30)).toBe(MAX_RETRY_DELAY_S);
  });
});
