import type { PredictionEvent } from '../../../contracts/index.ts';
import { RECORDING_TRACKER_HOST, type RecordedRequest } from './recording-tracker.ts';

/** Every request the recording tracker received so far. */
export async function recordedRequests(): Promise<RecordedRequest[]> {
  return (await fetch(`http://${RECORDING_TRACKER_HOST}/recorded`)).json();
}

/**
 * Polls the recording tracker until the events with every id of `ids` were posted to it (at most
 * `timeoutMs`), and answers them in `ids` order, with the events of the same requests.
 */
export async function eventsArrived(ids: readonly string[], timeoutMs = 10_000): Promise<PredictionEvent[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = (await recordedRequests()).flatMap(
      (r) => (JSON.parse(r.body || '{}') as { events?: PredictionEvent[] }).events ?? [],
    );
    const byId = new Map(events.map((e) => [e.prediction_id, e]));
    const missing = ids.filter((id) => !byId.has(id));
    if (missing.length === 0) return ids.map((id) => byId.get(id)!);
    if (Date.now() > deadline) {
      throw new Error(
        `${missing.length} of ${ids.length} events (${missing[0]}, …) did not arrive within ${timeoutMs} ms`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Whether an event with `id` was ever posted to the recording tracker. */
export async function wasPosted(id: string): Promise<boolean> {
  return (await recordedRequests()).some((r) => r.body.includes(id));
}
