import type { Prediction, Signature } from '../../contracts/index.ts';
import { EdgeHttpError } from './edge-error.ts';

/** One instance's answer before its `prediction_id` and the request-level fields (`latency_ms`, `model`, `version`) are added. */
export type PredictionResult = Omit<Prediction, 'prediction_id' | 'latency_ms' | 'model' | 'version'>;

/** The seed's confidence rule for a binary probability. */
export function confidenceOf(p: number): 'high' | 'medium' | 'low' {
  if (p > 0.8 || p < 0.2) return 'high';
  if (p > 0.6 || p < 0.4) return 'medium';
  return 'low';
}

/** How many output units a signature's output kind needs from the model (binary accepts 1 or 2). */
export function outputUnitsOk(output: Signature['output'], units: number): boolean {
  if (output.kind === 'binary') return units === 1 || units === 2;
  if (output.kind === 'multiclass') return units === output.labels.length;
  return units === 1;
}

/**
 * Turns the model's raw output rows (`n` × `units`) into answers shaped by the signature's output kind:
 * binary → class by threshold, probability, confidence, label; multiclass → argmax, its probability, label;
 * regression → the value. A non-finite output (NaN, ±Infinity) is never shaped into an answer: it is a 500
 * `invalid_output` (the answer's numbers would be null, or a wrong class).
 */
export function shapeOutputs(
  output: Signature['output'],
  y: Float32Array,
  n: number,
  units: number,
): PredictionResult[] {
  for (let i = 0; i < n * units; i++) {
    if (!Number.isFinite(y[i])) {
      throw new EdgeHttpError(
        500,
        'invalid_output',
        `the model gave ${y[i]} as output ${i % units} of instance ${Math.floor(i / units)}, not a finite number; no answer is given`,
      );
    }
  }
  const results: PredictionResult[] = new Array(n);
  for (let r = 0; r < n; r++) {
    const at = r * units;
    if (output.kind === 'binary') {
      const probability = y[at + units - 1]!;
      const prediction = probability >= output.threshold ? 1 : 0;
      results[r] = { prediction, probability, confidence: confidenceOf(probability), label: output.labels[prediction] };
    } else if (output.kind === 'multiclass') {
      let best = 0;
      for (let k = 1; k < units; k++) if (y[at + k]! > y[at + best]!) best = k;
      results[r] = { prediction: best, probability: y[at + best]!, label: output.labels[best] };
    } else {
      results[r] = { prediction: y[at]! };
    }
  }
  return results;
}
