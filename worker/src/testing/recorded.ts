import type { PredictionEvent, TimedLabel } from '../../../contracts/index.ts';
import { RECORDING_TRACKER_HOST, type RecordedRequest } from './recording-tracker.ts';

/** Every request the recording tracker received so far. */
export async function recordedRequests(): Promise<RecordedRequest[]> {
  return (await fetch(`http://${RECORDING_TRACKER_HOST}/recorded`)).json();
}

/** Every prediction event posted to the recording tracker so far (a batch of labels adds none). */
export function recordedEvents(): Promise<PredictionEvent[]> {
  return posted<PredictionEvent>('events');
}

/**
 * Polls the recording tracker until the events with every id of `ids` were posted to it (at most
 * `timeoutMs`), and answers them in `ids` order, with the events of the same requests.
 */
export function eventsArrived(ids: readonly string[], timeoutMs = 10_000): Promise<PredictionEvent[]> {
  return arrived<PredictionEvent>('events', ids, timeoutMs);
}

/**
 * Polls the recording tracker until labels of every id of `ids` were posted to it (at most `timeoutMs`), and
 * answers the last one posted of each, in `ids` order.
 */
export function labelsArrived(ids: readonly string[], timeoutMs = 10_000): Promise<TimedLabel[]> {
  return arrived<TimedLabel>('labels', ids, timeoutMs);
}

async function posted<T>(field: 'events' | 'labels'): Promise<T[]> {
  return (await recordedRequests()).flatMap(
    (r) => (JSON.parse(r.body || '{}') as Record<string, T[] | undefined>)[field] ?? [],
  );
}

async function arrived<T extends { prediction_id: string }>(
  field: 'events' | 'labels',
  ids: readonly string[],
  timeoutMs: number,
): Promise<T[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const items = await posted<T>(field);
    const byId = new Map(items.map((item) => [item.prediction_id, item]));
    const missing = ids.filter((id) => !byId.has(id));
    if (missing.length === 0) return ids.map((id) => byId.get(id)!);
    if (Date.now() > deadline) {
      throw new Error(
        `${missing.length} of ${ids.length} ${field} (${missing[0]}, …) did not arrive within ${timeoutMs} ms`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Whether an event with `id` was ever posted to the recording tracker. */
export async function wasPosted(id: string): Promise<boolean> {
  return (await recordedRequests()).some((r) => r.body.includes(id));
}
