import { pointerKey } from './naming.ts';

/** The longest registered model name, in characters (UTF-16 code units, as JavaScript counts them). */
export const MAX_MODEL_NAME_LENGTH = 256;

/** Workers KV's limit on a key, in UTF-8 bytes. */
const KV_KEY_BYTES = 512;

/** The longest model name in UTF-8 bytes: its KV pointer key (`pointer/<name>`) must fit Workers KV's 512 bytes. */
export const MAX_MODEL_NAME_BYTES = KV_KEY_BYTES - pointerKey('').length;

/**
 * Why `name` cannot be a registered model name, or undefined when it can. A name becomes part of R2 keys
 * (`models/<name>/<version>/`), of its KV pointer key and, percent-encoded, of the worker's URLs, so it
 * may hold any character (spaces, any script) except slashes, backslashes, control characters and unpaired
 * surrogates; it is not empty, not "." or "..", has no surrounding whitespace, and is at most
 * `MAX_MODEL_NAME_LENGTH` characters and `MAX_MODEL_NAME_BYTES` bytes long. The tracker registers and the
 * worker serves exactly these names.
 */
export function modelNameProblem(name: string): string | undefined {
  if (name === '') return 'model names may not be empty';
  if (name.length > MAX_MODEL_NAME_LENGTH)
    return `model names may be at most ${MAX_MODEL_NAME_LENGTH} characters long (got ${name.length})`;
  if (/[/\\\p{Cc}\p{Cs}]/u.test(name))
    return 'model names may not contain slashes, backslashes, control characters or unpaired surrogates';
  if (name === '.' || name === '..') return 'model names may not be "." or ".."';
  if (name.trim() !== name) return 'model names may not start or end with whitespace';
  const bytes = new TextEncoder().encode(name).length;
  if (bytes > MAX_MODEL_NAME_BYTES)
    return `model names may be at most ${MAX_MODEL_NAME_BYTES} bytes long in UTF-8 (got ${bytes})`;
  return undefined;
}
