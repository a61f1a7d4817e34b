import { decodePointer, type Pointer, pointerKey } from '../../contracts/index.ts';
import { EdgeHttpError } from './edge-error.ts';

/** What an isolate currently believes about a model's KV pointer. */
export interface PointerState {
  /** The last valid pointer read, or null when the key does not exist. */
  pointer: Pointer | null;
  /** Set when the stored value is not a valid pointer (the last good `pointer`, if any, is kept). */
  invalid?: string;
}

interface Entry {
  state: PointerState;
  fetchedAt: number;
}

/**
 * The pointers an isolate has read from KV, each trusted for a TTL. Owned by a `ModelRegistry`; `now`
 * (milliseconds) is its clock.
 *
 * Each request that finds a copy expired reads KV itself: requests never await a read another request
 * started, because workerd cancels a request's I/O when that request ends (a client that disconnects),
 * and whoever awaited it would hang (workerd then fails them with a 500 "code had hung").
 */
export class PointerCache {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /**
   * Reads the pointer of `model` from KV, trusting the cached copy for `ttlMs`. A value `decodePointer`
   * refuses is logged and ignored: the last good pointer stays in force. When KV cannot be read, the
   * cached state stays in force; with nothing cached that is a 503.
   */
  async read(kv: KVNamespace, model: string, ttlMs: number): Promise<PointerState> {
    const entry = this.#entries.get(model);
    const started = this.#now();
    if (entry && started - entry.fetchedAt < ttlMs) return entry.state;
    let state: PointerState;
    try {
      state = await fetchPointer(kv, model, entry?.state.pointer ?? null);
    } catch (error) {
      console.error(`edgeflow: reading the pointer of "${model}" from KV failed:`, error);
      const current = this.#entries.get(model);
      if (!current)
        throw new EdgeHttpError(
          503,
          'pointer_unavailable',
          `the pointer of model "${model}" could not be read; try again`,
        );
      current.fetchedAt = this.#now();
      return current.state;
    }
    const current = this.#entries.get(model);
    // a read that started earlier than the one already cached must not overwrite it
    if (!current || current.fetchedAt <= started) this.#entries.set(model, { state, fetchedAt: started });
    return state;
  }
}

async function fetchPointer(kv: KVNamespace, model: string, lastGood: Pointer | null): Promise<PointerState> {
  const raw = await kv.get(pointerKey(model), 'text');
  if (raw === null) return { pointer: null };
  const decoded = decodePointer(raw, model);
  if ('pointer' in decoded) return decoded;
  console.error(`edgeflow: ignoring invalid pointer for model "${model}": ${decoded.invalid}`);
  return { pointer: lastGood, invalid: decoded.invalid };
}
