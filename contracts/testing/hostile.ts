import fc from 'fast-check';

/**
 * How many cases a fuzz property tries: `runs` (from `FUZZ_RUNS`, which the longer `npm run fuzz` sets),
 * else `fallback`.
 */
export function fuzzRuns(runs: string | undefined, fallback: number): number {
  const n = Number(runs);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** The seed of every fuzz property: `seed` (from `FUZZ_SEED`), else a fixed one, so CI replays the same cases. */
export function fuzzSeed(seed: string | undefined): number {
  const n = Number(seed);
  return seed && Number.isInteger(n) ? n : 20261206;
}

/** Strings an attacker or a clumsy user sends: control characters, path tricks, SQL, huge and odd numbers. */
export const TRICK_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  'Default\u0000',
  '\u202e\u0007\u001b[2J',
  '..',
  '.',
  '../../etc/passwd',
  '%2e%2e',
  '%2e%2e%2f',
  'a/./b',
  'a//b',
  '/abs',
  'C:\\x',
  "' OR 1=1 --",
  '"; DROP TABLE runs; --',
  'metrics.m0 > 1e400',
  "params.p = 'x' AND",
  'NaN',
  'Infinity',
  '-Infinity',
  '1e400',
  '-0',
  '9007199254740993',
  '99999999999999999999',
  'фрод-детектор',
  '😀',
  'x'.repeat(300),
  'y'.repeat(7000),
];

/** Numbers that break code that assumes small finite integers. */
export const TRICK_NUMBERS = [
  0,
  -0,
  -1,
  1,
  0.5,
  2 ** 31,
  2 ** 53 + 2,
  -(2 ** 63),
  1e15,
  1e300,
  -1e300,
  3.5e38,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
];

/** A hostile scalar: a trick value or an arbitrary one. */
export const hostileScalar: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...TRICK_STRINGS) },
  { weight: 2, arbitrary: fc.constantFrom(...TRICK_NUMBERS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.constantFrom(true, false, null) },
);

/** A hostile JSON value: scalars, arrays (some long), objects, nested a few levels. */
export function hostileValue(keys: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      hostileScalar,
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(keys, tie('value'), { maxKeys: 4 }),
      fc.array(hostileScalar, { minLength: 1001, maxLength: 1100 }),
    ),
  }));
  return value;
}

/** Raw bodies that are not what a JSON reader expects. */
export const RAW_BODIES = [
  '',
  'null',
  '[]',
  '"x"',
  '42',
  '{',
  '{"a":',
  '{"a":1}garbage',
  '\u0000',
  `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
  `{"metrics":[${'{"key":"m","value":1e400,"timestamp":1,"step":0},'.repeat(3)}{}]}`,
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
];
