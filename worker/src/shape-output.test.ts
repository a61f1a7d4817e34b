import { describe, expect, it } from 'vitest';
import type { Signature } from '../../contracts/index.ts';
import { EdgeHttpError } from './edge-error.ts';
import { shapeOutputs } from './shape-output.ts';

const binary: Signature['output'] = { kind: 'binary', threshold: 0.5, labels: ['legit', 'fraud'] };

describe('shapeOutputs', () => {
  it('shapes finite outputs', () => {
    expect(shapeOutputs(binary, Float32Array.from([0.9, 0.1]), 2, 1)).toEqual([
      { prediction: 1, probability: expect.closeTo(0.9, 6), confidence: 'high', label: 'fraud' },
      { prediction: 0, probability: expect.closeTo(0.1, 6), confidence: 'high', label: 'legit' },
    ]);
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
  ])('refuses %s in any output with a 500 invalid_output, never a "legit" answer', (what, bad) => {
    const outputs: Signature['output'][] = [binary, { kind: 'multiclass', labels: ['a', 'b'] }, { kind: 'regression' }];
    for (const output of outputs) {
      const units = output.kind === 'multiclass' ? 2 : 1;
      const y = new Float32Array(2 * units).fill(0.25);
      y[2 * units - 1] = bad;
      let error: unknown;
      try {
        shapeOutputs(output, y, 2, units);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(EdgeHttpError);
      expect(error).toMatchObject({
        status: 500,
        code: 'invalid_output',
        message: `the model gave ${what} as output ${units - 1} of instance 1, not a finite number; no answer is given`,
      });
    }
  });
});
