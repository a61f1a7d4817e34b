import type { Metric } from './schemas.ts';
import { BATCH_LIMITS } from './split-batch.ts';
import { TrackerError } from './tracker-error.ts';

/** Options of a `MetricLogger`. */
export interface MetricLoggerOptions {
  /** Points per request; a full buffer is sent at once (default and maximum 1,000). */
  maxBatch?: number;
  /** The longest a logged point waits before it is sent, in ms (default 1,000). */
  flushMs?: number;
}

/**
 * A buffer of metric points for one run, sent in log-batch requests when `maxBatch` points are
 * waiting or `flushMs` after the first one came, whichever is first; requests go one at a time, in
 * order. `close()` sends everything left. A failed background send is thrown by the next `log`,
 * `flush` or `close`: if the tracker could not take it (unreachable, 429, 5xx) its points go back to
 * the buffer and are sent again; if it refused them (4xx) they are dropped and the error says so.
 */
export class MetricLogger {
  readonly #send: (metrics: Metric[]) => Promise<void>;
  readonly #maxBatch: number;
  readonly #flushMs: number;
  #buffer: Metric[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #chain: Promise<void> = Promise.resolve();
  #error: unknown;
  #closed = false;

  constructor(send: (metrics: Metric[]) => Promise<void>, options: MetricLoggerOptions = {}) {
    this.#send = send;
    this.#maxBatch = Math.max(1, Math.min(BATCH_LIMITS.metrics, Math.floor(options.maxBatch ?? BATCH_LIMITS.metrics)));
    this.#flushMs = Math.max(0, options.flushMs ?? 1000);
  }

  /** Points logged and not yet accepted by the tracker. */
  get pending(): number {
    return this.#buffer.length;
  }

  /** Buffers one point (`timestamp` defaults to now, `step` to 0). */
  log(key: string, value: number, step = 0, timestamp = Date.now()): void {
    if (this.#closed) throw new Error(`metric logger is closed; cannot log "${key}"`);
    if (typeof key !== 'string' || key === '') throw new TypeError('metric key must be a non-empty string');
    if (typeof value !== 'number') throw new TypeError(`metric "${key}" must be a number, got ${typeof value}`);
    if (!Number.isInteger(step)) throw new TypeError(`metric "${key}": step must be an integer, got ${step}`);
    this.#raise();
    this.#buffer.push({ key, value, step, timestamp });
    if (this.#buffer.length >= this.#maxBatch) {
      this.#clearTimer();
      void this.#enqueue().catch(() => {});
    } else if (!this.#timer) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        void this.#enqueue().catch(() => {});
      }, this.#flushMs);
    }
  }

  /** Sends every buffered point and waits for the tracker to accept them. */
  async flush(): Promise<void> {
    this.#clearTimer();
    for (;;) {
      await this.#chain; // background sends in flight, including ones a send queued behind itself
      this.#raise();
      if (!this.#buffer.length) return;
      const sent = this.#chain.then(() => this.#sendOnce());
      this.#chain = sent.catch(() => {});
      await sent;
    }
  }

  /** Flushes, then refuses further points. Throws (and stays open) if the last points could not be sent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush();
    this.#closed = true;
    this.#clearTimer();
  }

  #enqueue(): Promise<void> {
    const sent = this.#chain.then(() => this.#sendOnce());
    this.#chain = sent.catch((err: unknown) => {
      this.#error ??= err;
    });
    return sent;
  }

  async #sendOnce(): Promise<void> {
    const batch = this.#buffer.splice(0, this.#maxBatch);
    if (!batch.length) return;
    try {
      await this.#send(batch);
    } catch (err) {
      if (!(err instanceof TrackerError) || err.retriable) {
        this.#buffer.unshift(...batch);
        throw err;
      }
      throw new TrackerError(err.errorCode, err.status, `${err.message} (${batch.length} metric points dropped)`, {
        cause: err,
      });
    }
    if (this.#buffer.length >= this.#maxBatch) void this.#enqueue().catch(() => {});
    else if (this.#buffer.length && !this.#timer && !this.#closed) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        void this.#enqueue().catch(() => {});
      }, this.#flushMs);
    }
  }

  #raise(): void {
    if (this.#error === undefined) return;
    const err = this.#error;
    this.#error = undefined;
    throw err;
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
