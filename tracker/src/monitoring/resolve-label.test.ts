import { describe, expect, it } from 'vitest';
import type { Signature } from '../../../contracts/index.ts';
import { resolveLabel } from './resolve-label.ts';

const binary: Signature['output'] = { kind: 'binary', threshold: 0.5, labels: ['legit', 'fraud'] };
const multiclass: Signature['output'] = { kind: 'multiclass', labels: ['a', 'b', 'c'] };

describe('resolveLabel', () => {
  it('takes 0/1 or a class name for a binary model', () => {
    expect(resolveLabel(1, binary)).toBe(1);
    expect(resolveLabel(0, binary)).toBe(0);
    expect(resolveLabel('fraud', binary)).toBe(1);
    expect(resolveLabel('legit', binary)).toBe(0);
    expect(resolveLabel(2, binary)).toEqual({ invalid: '2 is not a class index of the model (0 to 1)' });
    expect(resolveLabel(0.5, binary)).toHaveProperty('invalid');
    expect(resolveLabel('Fraud', binary)).toEqual({
      invalid: '"Fraud" is none of the model\'s classes (legit, fraud)',
    });
  });

  it('takes a class index or name for a multiclass model', () => {
    expect(resolveLabel(2, multiclass)).toBe(2);
    expect(resolveLabel('b', multiclass)).toBe(1);
    expect(resolveLabel(3, multiclass)).toHaveProperty('invalid');
    expect(resolveLabel(-1, multiclass)).toHaveProperty('invalid');
  });

  it('takes any number for a regression model, and no class name', () => {
    expect(resolveLabel(-2.75, { kind: 'regression' })).toBe(-2.75);
    expect(resolveLabel('x', { kind: 'regression' })).toEqual({
      invalid: 'a regression model takes a number as its label',
    });
  });

  it('takes a number as it is without a signature, but cannot read a class name', () => {
    expect(resolveLabel(1, undefined)).toBe(1);
    expect(resolveLabel('fraud', undefined)).toHaveProperty('invalid');
  });
});
