import type { Label, Signature } from '../../../contracts/index.ts';

/**
 * A label as the number the tracker stores, checked against the output of the model version that made the
 * prediction: binary — 0 or 1, or one of its two class names; multiclass — a class index from 0 to k − 1 or a
 * class name; regression — any finite number. Without the version's signature (its files are gone) a number
 * is taken as it is and a class name cannot be read. Answers `{ invalid }` saying why a label does not fit.
 */
export function resolveLabel(label: Label, output: Signature['output'] | undefined): number | { invalid: string } {
  if (output === undefined) {
    return typeof label === 'number'
      ? label
      : { invalid: "a class name needs the version's signature.json, which is missing; send the class index" };
  }
  if (output.kind === 'regression') {
    return typeof label === 'number' ? label : { invalid: 'a regression model takes a number as its label' };
  }
  const classes = output.labels;
  if (typeof label === 'string') {
    const index = classes.indexOf(label);
    return index >= 0 ? index : { invalid: `"${label}" is none of the model's classes (${classes.join(', ')})` };
  }
  return Number.isInteger(label) && label >= 0 && label < classes.length
    ? label
    : { invalid: `${label} is not a class index of the model (0 to ${classes.length - 1})` };
}
