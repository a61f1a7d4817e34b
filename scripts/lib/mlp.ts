import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { rocAuc } from '../../tracker/src/monitoring/roc-auc.ts';
import { binaryCrossEntropy } from './metrics.ts';
import { createRng, permutation } from './random.ts';

/** Shape and optimizer of the demo MLP. */
export interface MlpConfig {
  inputDim: number;
  /** Units of each hidden ReLU layer, e.g. [64, 32]. */
  hiddenUnits: number[];
  learningRate: number;
  /** Seeds every layer's kernel initializer. */
  seed: number;
}

/**
 * A binary classifier `inputDim → hidden… (ReLU) → 1 (sigmoid)`, Glorot-uniform kernels seeded from
 * `seed`, zero biases, compiled with Adam and binary cross-entropy.
 */
export function buildMlp({ inputDim, hiddenUnits, learningRate, seed }: MlpConfig): tfl.Sequential {
  const rng = createRng(seed);
  const model = tfl.sequential({ name: 'mlp' });
  hiddenUnits.forEach((units, i) => {
    model.add(
      tfl.layers.dense({
        ...(i === 0 ? { inputShape: [inputDim] } : {}),
        units,
        activation: 'relu',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: rng.seed() }),
        name: `dense_${i + 1}`,
      }),
    );
  });
  model.add(
    tfl.layers.dense({
      units: 1,
      activation: 'sigmoid',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: rng.seed() }),
      name: 'output',
    }),
  );
  model.compile({ optimizer: tf.train.adam(learningRate), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** What `trainMlp` reports after each epoch (the keys the tracker logs). */
export type EpochLogs = {
  loss: number;
  accuracy: number;
  val_loss: number;
  val_accuracy: number;
  val_auc: number;
};

/** Options of `trainMlp`. */
export interface TrainOptions {
  epochs: number;
  batchSize: number;
  /** Seeds the per-epoch shuffle of the training rows. */
  seed: number;
  /** Called after every epoch (0-based) with its metrics and wall time; awaited. */
  onEpochEnd?: (epoch: number, logs: EpochLogs, ms: number) => void | Promise<void>;
}

/**
 * Train `model` epoch by epoch on (already standardized) rows. Rows are shuffled with a seeded
 * permutation each epoch (tfjs's own shuffle uses Math.random), so a run is reproducible. Validation
 * loss, accuracy and ROC AUC are computed here from the model's probabilities.
 */
export async function trainMlp(
  model: tfl.LayersModel,
  train: { X: number[][]; y: number[] },
  validation: { X: number[][]; y: number[] },
  { epochs, batchSize, seed, onEpochEnd }: TrainOptions,
): Promise<EpochLogs[]> {
  const rng = createRng(seed);
  const history: EpochLogs[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    const started = performance.now();
    const order = permutation(train.y.length, rng);
    const xs = tf.tensor2d(order.map((i) => train.X[i]!));
    const ys = tf.tensor2d(order.map((i) => [train.y[i]!]));
    let fitted: tfl.History;
    try {
      fitted = await model.fit(xs, ys, { epochs: 1, batchSize, shuffle: false, verbose: 0 });
    } finally {
      xs.dispose();
      ys.dispose();
    }
    const probs = await predictProbabilities(model, validation.X);
    const logs: EpochLogs = {
      loss: lastValue(fitted.history.loss),
      accuracy: lastValue(fitted.history.acc ?? fitted.history.accuracy),
      val_loss: binaryCrossEntropy(validation.y, probs),
      val_accuracy:
        probs.reduce((hits, p, i) => hits + Number((p >= 0.5 ? 1 : 0) === validation.y[i]), 0) / probs.length,
      val_auc: rocAuc(validation.y, probs),
    };
    history.push(logs);
    await onEpochEnd?.(epoch, logs, performance.now() - started);
  }
  return history;
}

/** The model's positive-class probability for each (already preprocessed) row. */
export async function predictProbabilities(model: tfl.LayersModel, rows: number[][]): Promise<number[]> {
  const out = tf.tidy(() => model.predict(tf.tensor2d(rows, [rows.length, rows[0]?.length ?? 0])) as tf.Tensor);
  try {
    return Array.from(await out.data());
  } finally {
    out.dispose();
  }
}

function lastValue(values: (number | tf.Tensor)[] | undefined): number {
  const v = values?.at(-1);
  if (v === undefined) throw new Error('tfjs returned no value for an epoch metric');
  return typeof v === 'number' ? v : (v.dataSync()[0] as number);
}
