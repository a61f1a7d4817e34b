import * as z from 'zod/mini';
import { VersionString } from './model-version.ts';
import { versionPrefix } from './naming.ts';

/**
 * The KV value (one key per model, see `pointerKey`) that tells every worker which version to serve.
 * Written only by the tracker when a version is promoted or rolled back.
 */
export const Pointer = z.object({
  model: z.string().check(z.minLength(1)),
  version: VersionString,
  /** R2 prefix of the version's files, with a trailing slash. */
  artifacts: z.string().check(z.regex(/\/$/, 'artifacts must end with /')),
  /** sha256 (hex) of model.json as checked at promotion. */
  modelJsonSha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  /** ISO-8601 time of the promotion. */
  promotedAt: z.iso.datetime(),
  /** The version served before this pointer was written; a rollback goes back to it. */
  previous: z.optional(VersionString),
  canary: z.optional(
    z.object({
      version: VersionString,
      weight: z.number().check(z.gte(0), z.lte(1)),
    }),
  ),
  shadow: z.optional(z.object({ version: VersionString })),
});

/** The KV pointer of a model. */
export type Pointer = z.infer<typeof Pointer>;

/**
 * Decodes the KV value of `model`'s pointer: JSON that passes `Pointer`, names `model`, and whose
 * `artifacts` is the version's own prefix (`versionPrefix`: the folder promotion checked). Otherwise
 * `invalid` says what is wrong. The tracker and the worker read pointers only through this.
 */
export function decodePointer(raw: string, model: string): { pointer: Pointer } | { invalid: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { invalid: 'the KV value is not JSON' };
  }
  const parsed = Pointer.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { invalid: `${issue?.path.join('.') || 'pointer'}: ${issue?.message ?? 'invalid'}` };
  }
  const pointer = parsed.data;
  if (pointer.model !== model) return { invalid: `the pointer names model "${pointer.model}"` };
  const prefix = versionPrefix(model, pointer.version);
  if (pointer.artifacts !== prefix)
    return { invalid: `artifacts: must be "${prefix}", the folder of version ${pointer.version}` };
  return { pointer };
}
