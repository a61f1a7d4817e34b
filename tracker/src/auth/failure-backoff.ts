/** Options of a `FailureBackoff`. */
export interface BackoffOptions {
  /** Failures allowed before any wait (default 5). */
  free?: number;
  /** The first wait once they are used up, in ms (default 1000); each further failure doubles it. */
  baseMs?: number;
  /** The longest wait, in ms (default 15 minutes). */
  maxMs?: number;
  /** A key's failures are forgotten this long after its last one, in ms (default 1 hour). */
  forgetMs?: number;
  /** Keys kept at most (default 10 000); past it the oldest is dropped. */
  maxKeys?: number;
}

interface Entry {
  failures: number;
  lockedUntil: number;
  last: number;
}

/**
 * Exponential backoff on failed attempts (sign-ins), per key (a username, a client address): after
 * `free` failures, each further one locks the key for `baseMs · 2^k`, at most `maxMs`. Time is passed in,
 * so tests drive it with their own clock.
 */
export class FailureBackoff {
  readonly #entries = new Map<string, Entry>();
  readonly #free: number;
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #forgetMs: number;
  readonly #maxKeys: number;

  constructor(options: BackoffOptions = {}) {
    this.#free = options.free ?? 5;
    this.#baseMs = options.baseMs ?? 1000;
    this.#maxMs = options.maxMs ?? 15 * 60_000;
    this.#forgetMs = options.forgetMs ?? 60 * 60_000;
    this.#maxKeys = options.maxKeys ?? 10_000;
  }

  /** How long `key` must still wait, in ms (0: it may try now). */
  waitMs(key: string, now: number): number {
    const entry = this.#live(key, now);
    return entry ? Math.max(0, entry.lockedUntil - now) : 0;
  }

  /** Records a failure of `key` at `now`. */
  fail(key: string, now: number): void {
    const entry = this.#live(key, now) ?? { failures: 0, lockedUntil: 0, last: now };
    entry.failures++;
    entry.last = now;
    const over = entry.failures - this.#free;
    if (over > 0) entry.lockedUntil = now + Math.min(this.#maxMs, this.#baseMs * 2 ** Math.min(over - 1, 30));
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    if (this.#entries.size > this.#maxKeys) this.#entries.delete(this.#entries.keys().next().value!);
  }

  /** Forgets `key`'s failures (a success). */
  reset(key: string): void {
    this.#entries.delete(key);
  }

  #live(key: string, now: number): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry && now - entry.last > this.#forgetMs && now >= entry.lockedUntil) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }
}
