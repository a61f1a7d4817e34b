import type { PredictionArm, PredictionEvent } from '../../contracts/index.ts';
import { type InputSpec, rawValue } from './input-spec.ts';
import { recordEventSend } from './metrics.ts';
import type { PredictionResult } from './shape-output.ts';

/** Most messages one `Queue.sendBatch` takes, and (with room to spare) most bytes. */
export const SEND_BATCH = 100;
const SEND_BATCH_BYTES = 240_000;
/** An upper bound of an event's JSON size: its fields, plus one number's longest text per input. */
const eventBytes = (inputs: number) => 1024 + 25 * inputs;

/** `MONITOR_SAMPLE_RATE` as a share from 0 (off) to 1 (every prediction; also when unset or not a number). */
export function sampleRate(env: { MONITOR_SAMPLE_RATE?: string }): number {
  const text = env.MONITOR_SAMPLE_RATE;
  const rate = Number(text);
  if (text === undefined || text.trim() === '' || Number.isNaN(rate)) return 1;
  return Math.min(1, Math.max(0, rate));
}

/**
 * Whether the prediction with `id` is recorded at sample rate `rate`: decided by the id itself (its first 32 bits
 * as a share of 2³², uniform for the random ids predict gives), so that `POST /feedback` knows which labels
 * have an event to join without keeping any state.
 */
export function isSampled(id: string, rate: number): boolean {
  if (rate >= 1) return true;
  if (rate <= 0) return false;
  const head = Number.parseInt(id.slice(0, 8), 16);
  return Number.isNaN(head) || head / 2 ** 32 < rate;
}

/** What one answered request (or one shadow run) was, for its events. */
export interface Answered {
  model: string;
  version: string;
  arm: PredictionArm;
  /** Epoch ms when the request came in. */
  time: number;
  latency_ms: number;
  status: number;
  /** The request body, already validated against `spec` (a failed request: none). */
  body?: unknown;
  spec?: InputSpec;
  /** One id and one result per instance. */
  ids: readonly string[];
  results?: readonly PredictionResult[];
}

/**
 * Sends the events of a request's predictions, each kept with probability `rate`, to `queue` — after
 * yielding to the event loop, so the answer goes out first. Never throws: a failed send is logged (once
 * per isolate) and counted in `/metrics`.
 */
export async function sendEvents(queue: Queue, rate: number, answered: Answered): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  const events: MessageSendRequest<PredictionEvent>[] = [];
  try {
    const rows = answered.body !== undefined && answered.spec ? rawRows(answered.body, answered.spec) : undefined;
    for (let i = 0; i < answered.ids.length; i++) {
      if (!isSampled(answered.ids[i]!, rate)) continue;
      const result = answered.results?.[i];
      events.push({
        body: {
          prediction_id: answered.ids[i]!,
          model: answered.model,
          version: answered.version,
          arm: answered.arm,
          time: answered.time,
          inputs: rows?.[i] ?? [],
          ...(result
            ? {
                output: {
                  prediction: result.prediction,
                  ...(result.probability === undefined ? {} : { probability: result.probability }),
                  ...(result.label === undefined ? {} : { label: result.label }),
                },
              }
            : {}),
          latency_ms: answered.latency_ms,
          status: answered.status,
        },
        contentType: 'json',
      });
    }
    const perBatch = Math.max(
      1,
      Math.min(SEND_BATCH, Math.floor(SEND_BATCH_BYTES / eventBytes(rows?.[0]?.length ?? 0))),
    );
    for (let at = 0; at < events.length; at += perBatch) await queue.sendBatch(events.slice(at, at + perBatch));
    if (events.length) recordEventSend('sent', events.length);
  } catch (error) {
    recordEventSend('failed', events.length || 1);
    if (!warned) {
      warned = true;
      console.warn(`edgeflow: prediction events not sent: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

let warned = false;

/**
 * The raw input values of each instance of a predict body that `parseInstances` accepted, in `spec` order,
 * as numbers (`rawValue`: a category's position for a categorical input).
 */
export function rawRows(body: unknown, spec: InputSpec): number[][] {
  const b = body as { features?: unknown[]; inputs?: Record<string, unknown>; instances?: unknown[] };
  const named = (obj: Record<string, unknown>) => spec.names.map((name) => obj[name]);
  const row = (values: unknown[]) => values.map((v, i) => rawValue(spec, i, v));
  if (b.instances) {
    return b.instances.map((item) => row(Array.isArray(item) ? item : named(item as Record<string, unknown>)));
  }
  return [row(b.features ?? named(b.inputs!))];
}
