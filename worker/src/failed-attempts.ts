/**
 * Failed attempts per client, on the clock `now` (milliseconds): a client that fails `max` times within
 * `windowMs` of its first failure is blocked until that window ends. At most `maxClients` are tracked; when
 * full, the client whose window started longest ago is forgotten.
 */
export class FailedAttempts {
  readonly #clients = new Map<string, { since: number; count: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly maxClients: number,
    private readonly now: () => number,
  ) {}

  /** How many milliseconds `client` stays blocked, or 0 when it may try. */
  blockedForMs(client: string): number {
    const entry = this.#current(client);
    return entry && entry.count >= this.max ? entry.since + this.windowMs - this.now() : 0;
  }

  /** Counts a failed attempt of `client`. */
  record(client: string): void {
    const entry = this.#current(client);
    if (entry) {
      entry.count++;
      return;
    }
    if (this.#clients.size >= this.maxClients) this.#clients.delete(this.#clients.keys().next().value!);
    this.#clients.set(client, { since: this.now(), count: 1 });
  }

  #current(client: string): { since: number; count: number } | undefined {
    const entry = this.#clients.get(client);
    if (entry && this.now() - entry.since >= this.windowMs) {
      this.#clients.delete(client);
      return undefined;
    }
    return entry;
  }
}
