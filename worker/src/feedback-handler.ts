import type { Context } from 'hono';
import * as z from 'zod/mini';
import { FeedbackLabel, FeedbackLabels, type FeedbackMessage, MAX_LABELS_PER_BATCH } from '../../contracts/index.ts';
import { EdgeHttpError } from './edge-error.ts';
import { recordFeedback } from './metrics.ts';
import { isSampled, SEND_BATCH, sampleRate } from './prediction-events.ts';
import { readJsonBody } from './read-json-body.ts';

/** The answer of `POST /feedback`. */
export interface FeedbackAccepted {
  /** Labels in the request. */
  accepted: number;
  /** Of those, the labels of recorded predictions (see `MONITOR_SAMPLE_RATE`), now on the events queue. */
  queued: number;
}

/**
 * Takes ground truth for earlier predictions: `{prediction_id, label}` or `{labels: [...]}` (1 to
 * `MAX_LABELS_PER_BATCH`). The edge checks the shape only — an id of at most 64 characters, a label that is a
 * finite number or a class name — since it keeps nothing that says which model answered an id; the tracker
 * checks the label against that model when it joins it to the prediction. The labels of predictions that were
 * recorded (the same id-based choice as `sendEvents`) go to the `EVENTS` queue, each with the time it came in;
 * the answer, 202, follows once the queue has them. 503 `queue_unavailable` when the queue refused them (the
 * labels of a request may then be queued in part: sending it again is harmless, a label counts once).
 */
export async function handleFeedback(c: Context<{ Bindings: Env }>): Promise<Response> {
  const body = await readJsonBody(c.req.raw);
  const labels = parseFeedback(body);
  const time = Date.now();
  const rate = sampleRate(c.env);
  const messages: MessageSendRequest<FeedbackMessage>[] = labels
    .filter((l) => isSampled(l.prediction_id, rate))
    .map((l) => ({
      body: { kind: 'feedback', prediction_id: l.prediction_id, label: l.label, time },
      contentType: 'json',
    }));
  let queued = 0;
  try {
    for (; queued < messages.length; queued += SEND_BATCH) {
      await c.env.EVENTS.sendBatch(messages.slice(queued, queued + SEND_BATCH));
    }
  } catch (error) {
    recordFeedback('failed', messages.length - queued);
    if (queued) recordFeedback('queued', queued);
    const why = error instanceof Error ? error.message : String(error);
    throw new EdgeHttpError(
      503,
      'queue_unavailable',
      `${messages.length - queued} of ${messages.length} labels could not be queued (${why}); send them again`,
    );
  }
  recordFeedback('queued', messages.length);
  return c.json({ accepted: labels.length, queued: messages.length } satisfies FeedbackAccepted, 202);
}

/** The labels of a feedback body, or a 400 `invalid_feedback` naming what is wrong and where. */
export function parseFeedback(body: unknown): FeedbackLabel[] {
  const batch = typeof body === 'object' && body !== null && 'labels' in body;
  if (batch) {
    const parsed = z.safeParse(FeedbackLabels, body);
    if (parsed.success) return parsed.data.labels;
    throw invalidFeedback(parsed.error);
  }
  const parsed = z.safeParse(FeedbackLabel, body);
  if (parsed.success) return [parsed.data];
  throw invalidFeedback(parsed.error);
}

function invalidFeedback(error: z.core.$ZodError): EdgeHttpError {
  const issue = error.issues[0]!;
  const where = issue.path.length
    ? issue.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
        .slice(1)
    : 'body';
  const what =
    issue.path.at(-1) === 'label'
      ? 'must be a finite number (a value, or a class index) or a class name (1 to 256 characters)'
      : issue.path.at(-1) === 'prediction_id'
        ? 'must be the prediction_id of an answer (1 to 64 characters)'
        : issue.path.length === 1 && issue.path[0] === 'labels'
          ? `must be a list of 1 to ${MAX_LABELS_PER_BATCH} {prediction_id, label}`
          : issue.message;
  return new EdgeHttpError(
    400,
    'invalid_feedback',
    `${where} ${what}; send {"prediction_id": "...", "label": 1} or {"labels": [{"prediction_id": "...", "label": 1}, ...]}`,
  );
}
