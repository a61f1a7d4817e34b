import { MAX_MODEL_NAME_BYTES, MAX_MODEL_NAME_LENGTH } from '../model-name.ts';

/** Names the tracker registers and promotes and the worker serves (tests of both apps use these). */
export const SERVABLE_MODEL_NAMES: readonly string[] = [
  'fraud_detector-v2.1',
  'fraud detector',
  'детектор мошенничества',
  '.hidden',
  '100% sure & a+b? #1',
  '日本語 🚀',
  'a'.repeat(MAX_MODEL_NAME_LENGTH),
  'я'.repeat(MAX_MODEL_NAME_BYTES / 2),
];

/** Names both apps refuse, with what makes each one bad. */
export const REFUSED_MODEL_NAMES: ReadonlyArray<readonly [what: string, name: string]> = [
  ['empty', ''],
  ['a slash', 'a/b'],
  ['a backslash', 'a\\b'],
  ['a NUL', 'a\u0000b'],
  ['a newline', 'a\nb'],
  ['a DEL', 'a\u007fb'],
  ['"."', '.'],
  ['".."', '..'],
  ['a leading space', ' padded'],
  ['a trailing space', 'padded '],
  ['one character too many', 'a'.repeat(MAX_MODEL_NAME_LENGTH + 1)],
  ['one UTF-8 byte too many', `${'я'.repeat(MAX_MODEL_NAME_BYTES / 2)}a`],
  ['an unpaired surrogate', 'a\ud800b'],
];
