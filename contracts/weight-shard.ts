import { MODEL_JSON_FILE } from './naming.ts';

/**
 * The R2 key of a weight shard that model.json's `weightsManifest` lists as `path`, under `prefix` (a
 * version's folder, with trailing slash) — or why the path is refused. A path is relative to model.json:
 * one leading `./` is dropped; it may not be empty, absolute, a URL (`scheme:`), hold a backslash or a
 * control character, or have an empty, `.` or `..` segment. The tracker checks a version's shards before
 * promoting it with this, and the worker loads them with it.
 */
export function shardKey(prefix: string, path: string): { key: string } | { invalid: string } {
  const rel = path.startsWith('./') ? path.slice(2) : path;
  const refused =
    rel === '' ||
    /^[a-z][a-z0-9+.-]*:/i.test(rel) ||
    /[\\\p{Cc}]/u.test(rel) ||
    rel.split('/').some((segment) => segment === '' || segment === '.' || segment === '..');
  if (refused) {
    return {
      invalid: `weight shard path ${JSON.stringify(path)} must be a relative path inside the folder of ${MODEL_JSON_FILE} (no empty, "." or ".." segment, backslash or URL)`,
    };
  }
  return { key: prefix + rel };
}
