import * as z from 'zod/mini';

/** A model version as the registry numbers them: a positive integer in decimal, no leading zero, at most 15 digits. */
export const VERSION_PATTERN = /^[1-9][0-9]{0,14}$/;

/** What `VersionString` says of a string that is not a version. */
export const VERSION_RULE = 'version must be a positive integer string';

/** Whether `version` is a model version (`VERSION_PATTERN`). */
export function isVersion(version: string): boolean {
  return VERSION_PATTERN.test(version);
}

/** A model version number as a string ("1", "2", …). */
export const VersionString = z.string().check(z.regex(VERSION_PATTERN, VERSION_RULE));
