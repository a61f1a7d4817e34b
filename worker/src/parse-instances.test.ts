import { describe, expect, it } from 'vitest';
import { EdgeHttpError } from './edge-error.ts';
import { buildInputSpec } from './input-spec.ts';
import { FLOAT32_MAX, parseInstances } from './parse-instances.ts';

const spec = buildInputSpec({
  inputs: [
    { name: 'a', dtype: 'float32' },
    { name: 'b', dtype: 'float32' },
  ],
  preprocess: { standardize: { mean: [1, -2], std: [2, 4] } },
  output: { kind: 'regression' },
  format: 'tfjs-layers',
  sample: [0, 0],
});

function error(body: unknown, maxBatch?: number, against = spec): EdgeHttpError {
  try {
    parseInstances(body, against, maxBatch);
  } catch (e) {
    if (e instanceof EdgeHttpError) return e;
    throw e;
  }
  throw new Error('expected a 400');
}

describe('parseInstances', () => {
  it('standardizes features, named inputs and instances into one float32 buffer', () => {
    expect(parseInstances({ features: [3, 6] }, spec)).toEqual({ x: Float32Array.from([1, 2]), n: 1, batch: false });
    expect(parseInstances({ inputs: { b: -6, a: 0 } }, spec)).toEqual({
      x: Float32Array.from([-0.5, -1]),
      n: 1,
      batch: false,
    });
    expect(parseInstances({ instances: [[1, -2], { a: 5, b: 2 }] }, spec)).toEqual({
      x: Float32Array.from([0, 0, 2, 1]),
      n: 2,
      batch: true,
    });
  });

  it.each([
    ['a non-object body', [1, 2], /must be a JSON object/],
    ['null', null, /must be a JSON object/],
    ['missing features', {}, /missing "features": send \{"features": \[2 numbers\]\}/],
    ['features not an array', { features: '1,2' }, /"features" must be an array of 2 numbers, got the string "1,2"/],
    ['too few features', { features: [1] }, /"features" must hold 2 numbers, got 1/],
    ['too many features', { features: [1, 2, 3] }, /"features" must hold 2 numbers, got 3/],
    ['a string feature', { features: [1, '2'] }, /"features\[1\]" must be a finite number, got the string "2"/],
    ['"NaN"', { features: ['NaN', 2] }, /"features\[0\]" must be a finite number, got the string "NaN"/],
    ['null feature', { features: [1, null] }, /"features\[1\]" must be a finite number, got null/],
    ['Infinity (from 1e999)', { features: [Infinity, 1] }, /"features\[0\]" must be a finite number, got Infinity/],
    ['NaN', { features: [1, NaN] }, /got NaN/],
    ['nested array', { features: [[1], 2] }, /got an array/],
    ['a boolean', { features: [true, 2] }, /got boolean/],
    ['two forms at once', { features: [1, 2], instances: [[1, 2]] }, /exactly one of/],
    ['unknown input name', { inputs: { a: 1, c: 2 } }, /unknown input "c"; expected a, b/],
    ['missing input name', { inputs: { a: 1 } }, /missing input b/],
    ['inputs not an object', { inputs: [1, 2] }, /"inputs" must be an object/],
    ['instances not an array', { instances: { a: 1 } }, /"instances" must be an array/],
    ['empty instances', { instances: [] }, /must not be empty/],
    [
      'a bad instance',
      {
        instances: [
          [1, 2],
          [1, 'x'],
        ],
      },
      /"instances\[1\]\[1\]" must be a finite number/,
    ],
  ])('refuses %s with a 400 that says what is wrong', (_, body, message) => {
    const e = error(body);
    expect(e.status).toBe(400);
    expect(e.message).toMatch(message);
  });

  it('refuses more instances than the batch limit', () => {
    const e = error(
      {
        instances: [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
      },
      2,
    );
    expect(e.message).toBe('"instances" holds 3 items; at most 2 are allowed');
  });

  describe('values float32 cannot hold', () => {
    const raw = buildInputSpec({
      inputs: [
        { name: 'amount', dtype: 'float32' },
        { name: 'hour', dtype: 'float32' },
      ],
      output: { kind: 'regression' },
      format: 'tfjs-layers',
      sample: [0, 0],
    });
    const range = "must be within float32's range \\(±3\\.4028234663852886e\\+38\\)";

    it.each([
      ['1e300', 1e300],
      ['1e39', 1e39],
      ['3.5e38', 3.5e38],
      ['-3.5e38', -3.5e38],
    ])('refuses %s with a 400 naming the input', (_, v) => {
      for (const against of [raw, spec]) {
        const name = against.names[0];
        expect(error({ features: [v, 1] }, undefined, against).message).toMatch(
          new RegExp(`^"features\\[0\\]" \\(input "${name}"\\) ${range}, got ${String(v).replace('+', '\\+')}$`),
        );
        expect(error({ inputs: { [name!]: v, [against.names[1]!]: 0 } }, undefined, against).message).toMatch(
          new RegExp(`^"inputs\\.${name}" \\(input "${name}"\\) ${range}`),
        );
        expect(
          error(
            {
              instances: [
                [0, 0],
                [0, v],
              ],
            },
            undefined,
            against,
          ).message,
        ).toMatch(new RegExp(`^"instances\\[1\\]\\[1\\]" \\(input "${against.names[1]}"\\) ${range}`));
      }
    });

    it('accepts the largest float32 values as they are', () => {
      expect(parseInstances({ features: [FLOAT32_MAX, -FLOAT32_MAX] }, raw).x).toEqual(
        Float32Array.from([FLOAT32_MAX, -FLOAT32_MAX]),
      );
    });

    it('refuses a value that is finite raw but overflows float32 once standardized (a tiny std)', () => {
      const tiny = buildInputSpec({
        inputs: [
          { name: 'amount', dtype: 'float32' },
          { name: 'hour', dtype: 'float32' },
        ],
        preprocess: { standardize: { mean: [0, 0], std: [2 ** -100, 1] } },
        output: { kind: 'regression' },
        format: 'tfjs-layers',
        sample: [0, 0],
      });
      expect(parseInstances({ features: [2 ** 20, 1e30] }, tiny).x).toEqual(Float32Array.from([2 ** 120, 1e30]));
      const e = error({ features: [2 ** 30, 0] }, undefined, tiny); // 2^30 / 2^-100 = 2^130
      expect(e.status).toBe(400);
      expect(e.message).toBe(
        `"features[0]" (input "amount") must stay within float32's range (±${FLOAT32_MAX}) once standardized, got 1073741824 (standardized: ${2 ** 130})`,
      );
    });
  });

  describe('categorical inputs', () => {
    const mixed = buildInputSpec({
      inputs: [
        { name: 'amount', dtype: 'float32', impute: 10 },
        { name: 'channel', dtype: 'string', categories: ['atm', 'pos', 'web'] },
        { name: 'hour', dtype: 'float32' },
      ],
      preprocess: { standardize: { mean: [10, 0, 12], std: [5, 1, 6] } },
      output: { kind: 'regression' },
      format: 'tfjs-layers',
      sample: [10, 'pos', 12],
    });

    it('writes a category one-hot between the standardized numbers, in every request form', () => {
      expect(mixed.width).toBe(5);
      expect(parseInstances({ features: [20, 'web', 18] }, mixed).x).toEqual(Float32Array.from([2, 0, 0, 1, 1]));
      expect(parseInstances({ inputs: { hour: 6, channel: 'atm', amount: 5 } }, mixed).x).toEqual(
        Float32Array.from([-1, 1, 0, 0, -1]),
      );
      expect(
        parseInstances({ instances: [[10, 'pos', 12], { amount: 15, channel: 'web', hour: 12 }] }, mixed).x,
      ).toEqual(Float32Array.from([0, 0, 1, 0, 0, 1, 0, 0, 1, 0]));
    });

    it('takes null as missing: the imputed value for a numeric input with impute, no category for a categorical one', () => {
      expect(parseInstances({ features: [null, null, 12] }, mixed).x).toEqual(Float32Array.from([0, 0, 0, 0, 0]));
      expect(error({ features: [10, 'pos', null] }, undefined, mixed).message).toBe(
        '"features[2]" must be a finite number, got null',
      );
    });

    it.each([
      [
        'an unknown category',
        { features: [1, 'phone', 2] },
        '"features[1]" (input "channel") must be one of "atm", "pos", "web" or null, got the string "phone"',
      ],
      [
        'a number for a category',
        { features: [1, 2, 3] },
        '"features[1]" (input "channel") must be one of "atm", "pos", "web" or null, got 2',
      ],
      [
        'a category for a number',
        { inputs: { amount: 'pos', channel: 'pos', hour: 1 } },
        '"inputs.amount" must be a finite number, got the string "pos"',
      ],
    ])('refuses %s', (_, body, message) => {
      const e = error(body, undefined, mixed);
      expect(e.status).toBe(400);
      expect(e.message).toBe(message);
    });

    it('lists at most 10 categories in the error', () => {
      const many = buildInputSpec({
        inputs: [{ name: 'c', dtype: 'string', categories: Array.from({ length: 25 }, (_, i) => `k${i}`) }],
        output: { kind: 'regression' },
        format: 'tfjs-layers',
        sample: ['k0'],
      });
      expect(error({ features: ['x'] }, undefined, many).message).toMatch(/"k9" \(or 15 more\) or null, got/);
    });
  });
});
