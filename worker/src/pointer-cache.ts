import { Pointer, pointerKey } from '../../contracts/index.ts';
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
  inflight?: Promise<PointerState>;
}

const cache = new Map<string, Entry>();

/**
 * Reads the pointer of `model` from KV, trusting the isolate's cached copy for `ttlMs`.
 * A value that is not a valid `Pointer` is logged and ignored: the last good pointer stays in force.
 * Concurrent callers share one KV read. When KV cannot be read, the cached state stays in force; with
 * nothing cached that is a 503.
 */
export async function readPointer(kv: KVNamespace, model: string, ttlMs: number): Promise<PointerState> {
  const entry = cache.get(model);
  const now = Date.now();
  if (entry && now - entry.fetchedAt < ttlMs) return entry.state;
  if (entry?.inflight) return entry.inflight;
  const inflight = fetchPointer(kv, model, entry?.state.pointer ?? null);
  const next: Entry = entry ?? { state: { pointer: null }, fetchedAt: 0 };
  next.inflight = inflight;
  cache.set(model, next);
  try {
    next.state = await inflight;
    next.fetchedAt = Date.now();
    return next.state;
  } catch (error) {
    console.error(`edgeflow: reading the pointer of "${model}" from KV failed:`, error);
    if (!entry) {
      cache.delete(model);
      throw new EdgeHttpError(503, 'pointer_unavailable', `the pointer of model "${model}" could not be read; try again`);
    }
    next.fetchedAt = Date.now();
    return next.state;
  } finally {
    next.inflight = undefined;
  }
}

async function fetchPointer(kv: KVNamespace, model: string, lastGood: Pointer | null): Promise<PointerState> {
  const raw = await kv.get(pointerKey(model), 'text');
  if (raw === null) return { pointer: null };
  const invalid = validate(raw, model);
  if (typeof invalid !== 'string') return { pointer: invalid };
  console.error(`edgeflow: ignoring invalid pointer for model "${model}": ${invalid}`);
  return { pointer: lastGood, invalid };
}

function validate(raw: string, model: string): Pointer | string {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return 'the KV value is not JSON';
  }
  const parsed = Pointer.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `${issue?.path.join('.') || 'pointer'}: ${issue?.message ?? 'invalid'}`;
  }
  if (parsed.data.model !== model) return `the pointer names model "${parsed.data.model}"`;
  return parsed.data;
}

/** Forgets every cached pointer (tests). */
export function clearPointerCache(): void {
  cache.clear();
}
