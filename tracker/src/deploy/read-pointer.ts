import { Pointer, pointerKey } from '../../../contracts/index.ts';
import type { KvStore } from '../edge/kv-store.ts';
import { MlflowError } from '../errors.ts';

/**
 * The pointer of a model as KV holds it now, or null when there is none. A value that is not a valid
 * `Pointer` is an INVALID_STATE error (something other than the tracker wrote it).
 */
export async function readPointer(kv: KvStore, model: string): Promise<Pointer | null> {
  const raw = await kv.get(pointerKey(model));
  if (raw === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = undefined;
  }
  const parsed = Pointer.safeParse(value);
  if (!parsed.success) {
    throw new MlflowError(
      'INVALID_STATE',
      `The pointer of model ${model} in KV (${pointerKey(model)}) is not a valid pointer.`,
    );
  }
  return parsed.data;
}
