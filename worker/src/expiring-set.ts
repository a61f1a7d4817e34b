/**
 * A bounded set of strings, each remembered for `ttlMs` from when it was last added, on the clock `now`
 * (milliseconds). When full, adding drops the entry added longest ago (every entry has the same TTL, so
 * that is the one nearest to expiring).
 */
export class ExpiringSet {
  readonly #added = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxSize: number,
    private readonly now: () => number,
  ) {}

  /** Whether `value` was added less than `ttlMs` ago (an expired entry is dropped). */
  has(value: string): boolean {
    const at = this.#added.get(value);
    if (at === undefined) return false;
    if (this.now() - at < this.ttlMs) return true;
    this.#added.delete(value);
    return false;
  }

  /** Remembers `value` from now on, for `ttlMs`. */
  add(value: string): void {
    this.#added.delete(value);
    if (this.#added.size >= this.maxSize) this.#added.delete(this.#added.keys().next().value!);
    this.#added.set(value, this.now());
  }
}
