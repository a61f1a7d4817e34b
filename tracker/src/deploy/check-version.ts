import { MODEL_JSON_FILE, SIGNATURE_FILE, Signature, shardKey, versionPrefix } from '../../../contracts/index.ts';
import type { BlobStore } from '../edge/blob-store.ts';
import { invalid } from '../errors.ts';

/** What a version's check found: the bytes of model.json (hashed into the pointer). */
export interface CheckedVersion {
  modelJson: Uint8Array;
}

/**
 * Checks that `models/<name>/<version>/` holds a servable model: model.json parses and has a
 * `weightsManifest`, every weight shard it lists has a path `shardKey` accepts (the key the worker
 * loads) and exists, and signature.json passes `Signature`.
 * Throws INVALID_PARAMETER_VALUE naming every problem found.
 */
export async function checkVersionFiles(blobs: BlobStore, name: string, version: string): Promise<CheckedVersion> {
  const prefix = versionPrefix(name, version);
  const [modelJson, signatureJson, listed] = await Promise.all([
    blobs.get(prefix + MODEL_JSON_FILE),
    blobs.get(prefix + SIGNATURE_FILE),
    blobs.list(prefix),
  ]);
  const present = new Set(listed.map((b) => b.key));
  const problems: string[] = [];

  if (!modelJson) {
    problems.push(`${prefix}${MODEL_JSON_FILE} is missing`);
  } else {
    const model = parseJson(modelJson);
    const manifest =
      model && typeof model === 'object' ? (model as { weightsManifest?: unknown }).weightsManifest : undefined;
    if (model === undefined) {
      problems.push(`${prefix}${MODEL_JSON_FILE} is not valid JSON`);
    } else if (!Array.isArray(manifest)) {
      problems.push(`${prefix}${MODEL_JSON_FILE} has no weightsManifest array`);
    } else {
      const missing: string[] = [];
      for (const group of manifest) {
        const paths = (group as { paths?: unknown } | null)?.paths;
        if (!Array.isArray(paths) || !paths.every((p): p is string => typeof p === 'string')) {
          problems.push(`${prefix}${MODEL_JSON_FILE} has a weightsManifest entry without a paths array of strings`);
          continue;
        }
        for (const path of paths) {
          const shard = shardKey(prefix, path);
          if ('invalid' in shard) problems.push(shard.invalid);
          else if (!present.has(shard.key)) missing.push(shard.key);
        }
      }
      if (missing.length) problems.push(`weight shard${missing.length > 1 ? 's' : ''} missing: ${missing.join(', ')}`);
    }
  }

  if (!signatureJson) {
    problems.push(`${prefix}${SIGNATURE_FILE} is missing`);
  } else {
    const signature = parseJson(signatureJson);
    if (signature === undefined) {
      problems.push(`${prefix}${SIGNATURE_FILE} is not valid JSON`);
    } else {
      const parsed = Signature.safeParse(signature);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
        problems.push(`${prefix}${SIGNATURE_FILE} is not a valid signature (${issues})`);
      }
    }
  }

  if (problems.length || !modelJson) {
    throw invalid(`Model ${name} version ${version} cannot be promoted: ${problems.join('; ')}.`);
  }
  return { modelJson };
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
  } catch {
    return undefined;
  }
}
