import { SIGNATURE_FILE, Signature, versionPrefix } from '../../../contracts/index.ts';
import type { BlobStore } from '../edge/blob-store.ts';

/** Signatures kept per tracker (a version's files never change once it serves). */
const MAX_CACHED = 512;

/**
 * Reads the signatures of model versions from `models/<name>/<version>/signature.json` in `blobs`, once each:
 * undefined when it is missing or not a valid signature (asked again next time).
 */
export function versionSignatures(
  blobs: BlobStore,
): (model: string, version: string) => Promise<Signature | undefined> {
  const cache = new Map<string, Signature>();
  return async (model, version) => {
    const key = `${model}\u0000${version}`;
    const cached = cache.get(key);
    if (cached) return cached;
    const bytes = await blobs.get(versionPrefix(model, version) + SIGNATURE_FILE);
    if (!bytes) return undefined;
    let parsed: ReturnType<typeof Signature.safeParse>;
    try {
      parsed = Signature.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
    } catch {
      return undefined;
    }
    if (!parsed.success) return undefined;
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(key, parsed.data);
    return parsed.data;
  };
}
