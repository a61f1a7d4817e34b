/** Options of a `RestartPolicy`. */
export interface RestartPolicyOptions {
  /** Restarts allowed within `windowMs` (default 5). */
  maxRestarts?: number;
  /** The sliding window crashes are counted in (default 5 minutes). */
  windowMs?: number;
  /** Delay before the first restart; it doubles with each further crash in the window (default 1 s). */
  firstDelayMs?: number;
  /** The longest delay (default 30 s). */
  maxDelayMs?: number;
  /** The clock (default `Date.now`). */
  now?: () => number;
}

/** What to do after a crash: start again after `delayMs` (the `attempt`-th restart in the window), or give up. */
export type RestartDecision =
  | { restart: true; delayMs: number; attempt: number }
  | { restart: false; crashes: number; windowMs: number };

/**
 * When to start a crashed process again: after a delay that doubles with each crash within the window,
 * and not at all once it has crashed more than `maxRestarts` times within it, so that a process that
 * cannot run is not restarted forever while one that crashes once in a while always comes back.
 */
export class RestartPolicy {
  readonly maxRestarts: number;
  readonly windowMs: number;
  readonly #firstDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #now: () => number;
  #crashes: number[] = [];

  constructor(options: RestartPolicyOptions = {}) {
    this.maxRestarts = options.maxRestarts ?? 5;
    this.windowMs = options.windowMs ?? 5 * 60_000;
    this.#firstDelayMs = options.firstDelayMs ?? 1000;
    this.#maxDelayMs = options.maxDelayMs ?? 30_000;
    this.#now = options.now ?? Date.now;
  }

  /** Records a crash now and decides what follows it. */
  crashed(): RestartDecision {
    const now = this.#now();
    this.#crashes = this.#crashes.filter((t) => now - t < this.windowMs);
    this.#crashes.push(now);
    const n = this.#crashes.length;
    if (n > this.maxRestarts) return { restart: false, crashes: n, windowMs: this.windowMs };
    return { restart: true, attempt: n, delayMs: Math.min(this.#maxDelayMs, this.#firstDelayMs * 2 ** (n - 1)) };
  }
}
