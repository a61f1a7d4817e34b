import { describe, expect, it } from 'vitest';
import { Signature } from '../../contracts/index.ts';
import { fitEncoder, MAX_ONE_HOT, median, modelRow, modelWidth, rawRow, signatureInputs } from './feature-encoder.ts';

const columns = [
  { name: 'amount', kind: 'numeric' as const },
  { name: 'channel', kind: 'categorical' as const },
];
const cells = [
  ['10', 'web'],
  ['20', ' pos '],
  ['NA', 'web'],
  ['40', ''],
  ['1000', 'atm'], // test row: only in the test part
];

describe('fitEncoder', () => {
  const encoder = fitEncoder(columns, cells, [0, 1, 2, 3]);

  it("fills missing numbers with the training median and lists the training rows' categories", () => {
    expect(encoder.features).toEqual([
      { name: 'amount', kind: 'numeric', impute: 20 },
      { name: 'channel', kind: 'categorical', categories: ['pos', 'web'] },
    ]);
    // standardizer on the raw training values [10, 20, 20, 40]; a categorical feature is not scaled
    expect(encoder.standardizer.mean).toEqual([22.5, 0]);
    expect(encoder.standardizer.std[0]).toBeCloseTo(Math.sqrt((12.5 ** 2 + 2.5 ** 2 * 2 + 17.5 ** 2) / 4), 12);
    expect(encoder.standardizer.std[1]).toBe(1);
  });

  it('encodes raw rows as events record them, then one-hot for the model', () => {
    expect(cells.map((row) => rawRow(encoder, row))).toEqual([
      [10, 1],
      [20, 0],
      [20, 1],
      [40, -1],
      [1000, -1],
    ]);
    expect(modelWidth(encoder)).toBe(3);
    const s = encoder.standardizer.std[0]!;
    expect(modelRow(encoder, [10, 1])).toEqual([-12.5 / s, 0, 1]);
    expect(modelRow(encoder, [40, -1])).toEqual([17.5 / s, 0, 0]);
  });

  it('gives signature inputs the worker validates and encodes the same way', () => {
    const part = signatureInputs(encoder, [40, -1]);
    const signature = Signature.parse({ ...part, output: { kind: 'regression' }, format: 'tfjs-layers' });
    expect(signature.inputs).toEqual([
      { name: 'amount', dtype: 'float32', impute: 20 },
      { name: 'channel', dtype: 'string', categories: ['pos', 'web'] },
    ]);
    expect(signature.sample).toEqual([40, 'pos']);
  });

  it('refuses a categorical feature with more than MAX_ONE_HOT categories', () => {
    const many = Array.from({ length: MAX_ONE_HOT + 1 }, (_, i) => ['1', `id-${i}`]);
    expect(() =>
      fitEncoder(
        columns,
        many,
        many.map((_, i) => i),
      ),
    ).toThrow(
      `column "channel" has ${MAX_ONE_HOT + 1} distinct values in the training rows; one-hot encoding takes at most ${MAX_ONE_HOT} (--drop it, or --id if it identifies rows)`,
    );
  });
});

describe('median', () => {
  it('is the middle value, or the mean of the middle two', () => {
    expect([median([3, 1, 2]), median([4, 1, 3, 2]), median([])]).toEqual([2, 2.5, 0]);
  });
});
