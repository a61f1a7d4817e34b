import * as z from 'zod/mini';
import { PredictionEvent } from '../../contracts/index.ts';
import { edgeVars } from './worker-env.ts';

/** The tracker's ingest endpoint, under `TRACKER_URL`. */
export const LOG_BATCH_PATH = '/api/2.0/edgeflow/predictions/log-batch';

/** Seconds before the first retry of a batch the tracker did not take; doubled each attempt up to `MAX_RETRY_DELAY_S`. */
export const FIRST_RETRY_DELAY_S = 5;
export const MAX_RETRY_DELAY_S = 300;

/** Delay before the next delivery of a batch whose messages were tried `attempts` times. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(MAX_RETRY_DELAY_S, FIRST_RETRY_DELAY_S * 2 ** Math.max(0, attempts - 1));
}

/**
 * The events queue's consumer: posts a batch of prediction events to the tracker (`TRACKER_URL`, a base URL
 * that may hold a path, with
 * `INGEST_TOKEN` as a bearer token) and acknowledges it once the tracker answered 2xx. Anything else (no
 * `TRACKER_URL`, the tracker unreachable, a non-2xx) retries the whole batch later with exponential backoff;
 * after the consumer's `max_retries` the queue moves it to the dead-letter queue. A message that is not a
 * prediction event is acknowledged and logged (retrying it could never succeed).
 */
export async function forwardEvents(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const events: PredictionEvent[] = [];
  let attempts = 1;
  for (const message of batch.messages) {
    const parsed = z.safeParse(PredictionEvent, message.body);
    if (parsed.success) {
      events.push(parsed.data);
      attempts = Math.max(attempts, message.attempts);
    } else {
      message.ack();
      console.warn(`edgeflow: dropped queue message ${message.id}: not a prediction event`);
    }
  }
  if (events.length === 0) return;
  const { TRACKER_URL, INGEST_TOKEN } = edgeVars(env);
  let problem: string;
  if (!TRACKER_URL) {
    problem = 'TRACKER_URL is not set';
  } else {
    try {
      const res = await fetch(`${TRACKER_URL.replace(/\/+$/, '')}${LOG_BATCH_PATH}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(INGEST_TOKEN ? { authorization: `Bearer ${INGEST_TOKEN}` } : {}),
        },
        body: JSON.stringify({ events }),
      });
      await res.body?.cancel();
      if (res.ok) {
        batch.ackAll();
        return;
      }
      problem = `the tracker answered ${res.status}`;
    } catch (error) {
      problem = `the tracker is unreachable (${error instanceof Error ? error.message : String(error)})`;
    }
  }
  const delaySeconds = retryDelaySeconds(attempts);
  console.warn(`edgeflow: ${events.length} prediction events not delivered: ${problem}; retrying in ${delaySeconds} s`);
  batch.retryAll({ delaySeconds });
}
