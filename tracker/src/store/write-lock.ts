/**
 * A FIFO async mutex. SQLite has one writer; serializing this process's writes through one lock means
 * concurrent requests queue here instead of failing with "database is locked".
 */
export class WriteLock {
  #tail: Promise<unknown> = Promise.resolve();

  /** Runs `fn` once every earlier caller's `fn` has settled; returns what `fn` returns. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(fn);
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
