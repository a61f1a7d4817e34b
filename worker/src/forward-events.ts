import * as z from 'zod/mini';
import { FeedbackMessage, PredictionEvent, type TimedLabel } from '../../contracts/index.ts';
import { edgeVars } from './worker-env.ts';

/** The tracker's ingest endpoint, under `TRACKER_URL`. */
export const LOG_BATCH_PATH = '/api/2.0/edgeflow/predictions/log-batch';

/** The tracker's feedback endpoint, under `TRACKER_URL`. */
export const FEEDBACK_PATH = '/api/2.0/edgeflow/feedback';

/** Seconds before the first retry of a batch the tracker did not take; doubled each attempt up to `MAX_RETRY_DELAY_S`. */
export const FIRST_RETRY_DELAY_S = 5;
export const MAX_RETRY_DELAY_S = 300;

/** Delay before the next delivery of a batch whose messages were tried `attempts` times. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(MAX_RETRY_DELAY_S, FIRST_RETRY_DELAY_S * 2 ** Math.max(0, attempts - 1));
}

/** A feedback message of the batch and its label. */
interface LabelMessage {
  message: Message<unknown>;
  label: TimedLabel;
}

/** What one post to the tracker came to: taken, refused for some ids (nothing stored), or failed. */
type Posted = { ok: true } | { ok: false; problem: string; refused?: Set<string> };

/**
 * The events queue's consumer. Posts the batch's prediction events to the tracker (`TRACKER_URL`, a base URL
 * that may hold a path, with `INGEST_TOKEN` as a bearer token), then its labels (`FeedbackMessage`), and
 * acknowledges what the tracker answered 2xx to. A label the tracker refuses by id (a 4xx naming
 * `prediction_ids`: no stored prediction — its event may still be on its way — or a label that does not fit
 * the model) is retried alone, and the rest of the labels are posted again; anything else (no `TRACKER_URL`,
 * the tracker unreachable, another non-2xx) retries what was not taken. Retries back off exponentially; after
 * the consumer's `max_retries` the queue moves a message to the dead-letter queue, so no label or event is
 * dropped. A message that is neither is acknowledged and logged (retrying it could never succeed).
 */
export async function forwardEvents(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const events: PredictionEvent[] = [];
  const eventMessages: Message<unknown>[] = [];
  const labels: LabelMessage[] = [];
  for (const message of batch.messages) {
    const body = message.body as { kind?: unknown } | null;
    if (body?.kind === 'feedback') {
      const parsed = z.safeParse(FeedbackMessage, body);
      if (parsed.success) {
        const { kind: _, ...label } = parsed.data;
        labels.push({ message, label });
        continue;
      }
    } else {
      const parsed = z.safeParse(PredictionEvent, body);
      if (parsed.success) {
        events.push(parsed.data);
        eventMessages.push(message);
        continue;
      }
    }
    message.ack();
    console.warn(`edgeflow: dropped queue message ${message.id}: neither a prediction event nor a label`);
  }
  if (events.length === 0 && labels.length === 0) return;
  const post = poster(env);

  if (events.length) {
    const posted = await post(LOG_BATCH_PATH, { events });
    if (!posted.ok) {
      const messages = [...eventMessages, ...labels.map((l) => l.message)];
      const delaySeconds = retryDelaySeconds(Math.max(...messages.map((m) => m.attempts)));
      console.warn(
        `edgeflow: ${events.length} prediction events not delivered: ${posted.problem}; retrying in ${delaySeconds} s`,
      );
      batch.retryAll({ delaySeconds });
      return;
    }
  }

  const retry = new Set<Message<unknown>>();
  let pending = labels;
  let problem = '';
  // each round stores every label it posts, or sets aside at least one of them
  while (pending.length) {
    const posted = await post(FEEDBACK_PATH, { labels: pending.map((l) => l.label) });
    if (posted.ok) break;
    problem = posted.problem;
    const { refused } = posted;
    const kept = refused ? pending.filter((l) => !refused.has(l.label.prediction_id)) : [];
    const setAside = kept.length === pending.length ? pending : pending.filter((l) => !kept.includes(l));
    for (const l of setAside) retry.add(l.message);
    pending = setAside === pending ? [] : kept;
  }
  if (retry.size === 0) {
    batch.ackAll();
    return;
  }
  for (const message of [...eventMessages, ...labels.map((l) => l.message)]) {
    if (retry.has(message)) message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    else message.ack();
  }
  console.warn(`edgeflow: ${retry.size} labels not delivered yet: ${problem}; retrying them with backoff`);
}

/** Posts JSON to a path of the tracker with the ingest token, and tells what came of it. */
function poster(env: Env): (path: string, body: unknown) => Promise<Posted> {
  const { TRACKER_URL, INGEST_TOKEN } = edgeVars(env);
  return async (path, body) => {
    if (!TRACKER_URL) return { ok: false, problem: 'TRACKER_URL is not set' };
    try {
      const res = await fetch(`${TRACKER_URL.replace(/\/+$/, '')}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(INGEST_TOKEN ? { authorization: `Bearer ${INGEST_TOKEN}` } : {}),
        },
        body: JSON.stringify(body),
      });
      if (res.ok) {
        await res.body?.cancel();
        return { ok: true };
      }
      const answer = (await res.json().catch(() => ({}))) as { message?: unknown; prediction_ids?: unknown };
      const ids = Array.isArray(answer.prediction_ids) ? answer.prediction_ids.map(String) : [];
      const problem = `the tracker answered ${res.status}${typeof answer.message === 'string' ? `: ${answer.message}` : ''}`;
      return res.status < 500 && ids.length ? { ok: false, problem, refused: new Set(ids) } : { ok: false, problem };
    } catch (error) {
      return {
        ok: false,
        problem: `the tracker is unreachable (${error instanceof Error ? error.message : String(error)})`,
      };
    }
  };
}
