import * as z from 'zod/mini';

const version = z.string().check(z.regex(/^[1-9][0-9]*$/, 'version must be a positive integer string'));

/**
 * The KV value (one key per model, see `pointerKey`) that tells every worker which version to serve.
 * Written only by the tracker when a version is promoted or rolled back.
 */
export const Pointer = z.object({
  model: z.string().check(z.minLength(1)),
  version,
  /** R2 prefix of the version's files, with a trailing slash. */
  artifacts: z.string().check(z.regex(/\/$/, 'artifacts must end with /')),
  /** sha256 (hex) of model.json as checked at promotion. */
  modelJsonSha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  /** ISO-8601 time of the promotion. */
  promotedAt: z.iso.datetime(),
  /** The version served before this pointer was written; a rollback goes back to it. */
  previous: z.optional(version),
  canary: z.optional(
    z.object({
      version,
      weight: z.number().check(z.gte(0), z.lte(1)),
    }),
  ),
  shadow: z.optional(z.object({ version })),
});

/** The KV pointer of a model. */
export type Pointer = z.infer<typeof Pointer>;
