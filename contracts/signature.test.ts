import { describe, expect, it } from 'vitest';
import { Signature, signatureWidth } from './signature.ts';

const base = {
  output: { kind: 'regression' },
  format: 'tfjs-layers',
} as const;

describe('Signature', () => {
  it('takes numeric inputs as before, and categorical inputs with their categories', () => {
    expect(Signature.safeParse({ ...base, inputs: [{ name: 'a', dtype: 'float32' }], sample: [1] }).success).toBe(true);
    const mixed = Signature.parse({
      ...base,
      inputs: [
        { name: 'amount', dtype: 'float32', impute: 20 },
        { name: 'channel', dtype: 'string', categories: ['atm', 'pos', 'web'] },
      ],
      preprocess: { standardize: { mean: [22.5, 0], std: [9, 1] } },
      sample: [40, 'pos'],
    });
    expect(signatureWidth(mixed)).toBe(4);
  });

  it.each([
    [
      'a number as a category sample',
      [{ name: 'c', dtype: 'string', categories: ['x'] }],
      [1],
      undefined,
      /sample must hold/,
    ],
    [
      'an unknown category sample',
      [{ name: 'c', dtype: 'string', categories: ['x'] }],
      ['y'],
      undefined,
      /sample must hold/,
    ],
    ['a string for a numeric sample', [{ name: 'a', dtype: 'float32' }], ['1'], undefined, /sample must hold/],
    ['repeated categories', [{ name: 'c', dtype: 'string', categories: ['x', 'x'] }], ['x'], undefined, /distinct/],
    ['no categories', [{ name: 'c', dtype: 'string', categories: [] }], ['x'], undefined, /./],
    [
      'a categorical input standardized',
      [{ name: 'c', dtype: 'string', categories: ['x'] }],
      ['x'],
      { standardize: { mean: [1], std: [2] } },
      /mean 0, std 1 for a categorical input/,
    ],
  ])('refuses %s', (_, inputs, sample, preprocess, message) => {
    const parsed = Signature.safeParse({ ...base, inputs, sample, ...(preprocess ? { preprocess } : {}) });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.message).join('; ')).toMatch(message);
  });
});
