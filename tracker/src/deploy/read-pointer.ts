import { decodePointer, type Pointer, pointerKey } from '../../../contracts/index.ts';
import type { KvStore } from '../edge/kv-store.ts';
import { MlflowError } from '../errors.ts';

/**
 * The pointer of a model as KV holds it now, or null when there is none. A value `decodePointer` refuses
 * is an INVALID_STATE error (something other than the tracker wrote it).
 */
export async function readPointer(kv: KvStore, model: string): Promise<Pointer | null> {
  const raw = await kv.get(pointerKey(model));
  if (raw === null) return null;
  const decoded = decodePointer(raw, model);
  if ('invalid' in decoded) {
    throw new MlflowError(
      'INVALID_STATE',
      `The pointer of model ${model} in KV (${pointerKey(model)}) is not a valid pointer: ${decoded.invalid}.`,
    );
  }
  return decoded.pointer;
}
