import { describe, expect, it } from 'vitest';
import { inferColumns, inferTask, isMissing, parseNumber } from './column-types.ts';

describe('isMissing and parseNumber', () => {
  it.each(['', ' ', 'NA', 'n/a', 'NaN', 'null', 'None', '?'])('%j is missing', (cell) => {
    expect(isMissing(cell)).toBe(true);
  });
  it.each(['0', 'no', '-', 'nil'])('%j is not missing', (cell) => expect(isMissing(cell)).toBe(false));

  it('reads decimal numbers only', () => {
    expect(['1', ' -1.5 ', '.5', '3.', '2e-3', '+4E2'].map(parseNumber)).toEqual([1, -1.5, 0.5, 3, 0.002, 400]);
    expect(['0x10', '1,5', 'Infinity', '1e999', '', 'abc', '1.2.3'].map(parseNumber)).toEqual(
      new Array(7).fill(undefined),
    );
  });
});

describe('inferColumns', () => {
  const header = ['amount', 'channel', 'zip', 'empty'];
  const rows = [
    ['12.5', 'web', '10115', ''],
    ['NA', 'pos', '80331', 'NA'],
    ['3', '', '10115', ''],
  ];

  it('types each column, counting missing cells and distinct values', () => {
    expect(inferColumns(header, rows)).toEqual([
      { name: 'amount', kind: 'numeric', missing: 1, distinct: 2 },
      { name: 'channel', kind: 'categorical', missing: 1, distinct: 2 },
      { name: 'zip', kind: 'numeric', missing: 0, distinct: 2 },
      { name: 'empty', kind: 'categorical', missing: 3, distinct: 0 },
    ]);
  });

  it('makes the columns named categorical whatever they hold', () => {
    expect(inferColumns(header, rows, ['zip'])[2]).toEqual({
      name: 'zip',
      kind: 'categorical',
      missing: 0,
      distinct: 2,
    });
  });
});

describe('inferTask', () => {
  it('reads two values as binary, positive from a known word or the second class', () => {
    expect(inferTask(['0', '1', '1'])).toEqual({ task: 'binary', classes: ['0', '1'] });
    expect(inferTask(['yes', 'no'])).toEqual({ task: 'binary', classes: ['no', 'yes'] });
    expect(inferTask(['True', 'False'])).toEqual({ task: 'binary', classes: ['False', 'True'] });
    expect(inferTask(['legit', 'fraud'])).toEqual({ task: 'binary', classes: ['fraud', 'legit'] });
    expect(inferTask(['legit', 'fraud'], { positive: 'fraud' })).toEqual({
      task: 'binary',
      classes: ['legit', 'fraud'],
    });
    expect(inferTask(['10', '2'])).toEqual({ task: 'binary', classes: ['2', '10'] });
  });

  it('reads text or few whole numbers as multiclass, other numbers as regression', () => {
    expect(inferTask(['b', 'a', 'c', 'a'])).toEqual({ task: 'multiclass', classes: ['a', 'b', 'c'] });
    expect(inferTask(['3', '1', '2', '10'])).toEqual({ task: 'multiclass', classes: ['1', '2', '3', '10'] });
    expect(inferTask(['1.5', '2', '3'])).toEqual({ task: 'regression' });
    expect(inferTask(Array.from({ length: 11 }, (_, i) => String(i)))).toEqual({ task: 'regression' });
    expect(inferTask(['1', '2', '3'], { task: 'regression' })).toEqual({ task: 'regression' });
    expect(inferTask(['0', '1'], { task: 'multiclass' })).toEqual({ task: 'multiclass', classes: ['0', '1'] });
  });

  it.each([
    [['a'], {}, /one class only \("a"\)/],
    [['a', 'b', 'c'], { task: 'binary' as const }, /needs exactly 2 classes; it has 3 \(use --task multiclass\)/],
    [['1', 'x', '2'], { task: 'regression' as const }, /must be numeric; it has text values such as "x"/],
    [['3', '3'], { task: 'regression' as const }, /one value only/],
    [['a', 'b'], { positive: 'c' }, /--positive "c" is not a class of the label \(a, b\)/],
  ])('refuses %j with %j', (values, options, message) => {
    expect(() => inferTask(values, options)).toThrow(message);
  });
});
