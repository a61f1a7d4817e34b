import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { rocAuc } from '../../tracker/src/monitoring/roc-auc.ts';
import { binaryCrossEntropy, categoricalCrossEntropy, meanSquaredError, multiclassRocAuc } from './metrics.ts';
import { createRng, permutation } from './random.ts';

/** What a network predicts: a class of two (one sigmoid unit), one of several (softmax), or a number. */
export type MlpTask = 'binary' | 'multiclass' | 'regression';

/** Shape and optimizer of an MLP. */
export interface MlpConfig {
  inputDim: number;
  /** Units of each hidden ReLU layer, e.g. [64, 32]. */
  hiddenUnits: number[];
  learningRate: number;
  /** Seeds every layer's kernel initializer. */
  seed: number;
  /** Default `binary`. */
  task?: MlpTask;
  /** Classes of a multiclass task (its softmax units). */
  classes?: number;
}

const HEADS = {
  binary: { activation: 'sigmoid', loss: 'binaryCrossentropy' },
  multiclass: { activation: 'softmax', loss: 'categoricalCrossentropy' },
  regression: { activation: 'linear', loss: 'meanSquaredError' },
} as const;

/**
 * A network `inputDim → hidden… (ReLU) → output`, Glorot-uniform kernels seeded from `seed`, zero
 * biases, compiled with Adam: one sigmoid unit and binary cross-entropy (binary), a softmax unit per
 * class and categorical cross-entropy (multiclass), or one linear unit and mean squared error (regression).
 */
export function buildMlp({
  inputDim,
  hiddenUnits,
  learningRate,
  seed,
  task = 'binary',
  classes = 2,
}: MlpConfig): tfl.Sequential {
  if (task === 'multiclass' && classes < 2) throw new RangeError('a multiclass network needs at least 2 classes');
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
      ...(hiddenUnits.length === 0 ? { inputShape: [inputDim] } : {}),
      units: task === 'multiclass' ? classes : 1,
      activation: HEADS[task].activation,
      kernelInitializer: tfl.initializers.glorotUniform({ seed: rng.seed() }),
      name: 'output',
    }),
  );
  model.compile({
    optimizer: tf.train.adam(learningRate),
    loss: HEADS[task].loss,
    metrics: task === 'regression' ? [] : ['accuracy'],
  });
  return model;
}

/**
 * What `trainMlp` reports after each epoch (the keys the tracker logs): the training loss, and on the
 * validation rows the loss, and the accuracy and ROC AUC (classification) or RMSE (regression).
 */
export type EpochLogs = {
  loss: number;
  accuracy?: number;
  val_loss: number;
  val_accuracy?: number;
  val_auc?: number;
  val_rmse?: number;
};

/** Options of `trainMlp`. */
export interface TrainOptions {
  epochs: number;
  batchSize: number;
  /** Seeds the per-epoch shuffle of the training rows. */
  seed: number;
  /** Default `binary`; must be the network's. */
  task?: MlpTask;
  /** Classes of a multiclass task. */
  classes?: number;
  /** A loss weight per class (index = class), e.g. `balancedClassWeights`. */
  classWeight?: number[];
  /**
   * Early stopping: stop once the validation AUC (classification) or loss (regression) has not improved
   * for this many epochs, and restore the weights of the best epoch. Unset: train every epoch, keep the last.
   */
  patience?: number;
  /** Called after every epoch (0-based) with its metrics and wall time; awaited. */
  onEpochEnd?: (epoch: number, logs: EpochLogs, ms: number) => void | Promise<void>;
}

/** What `trainMlp` did. */
export interface TrainResult {
  history: EpochLogs[];
  /** The epoch (0-based) whose weights the model has: the best one with `patience`, else the last. */
  bestEpoch: number;
  /** Stopped before `epochs` because the validation metric stopped improving. */
  stoppedEarly: boolean;
}

/**
 * Train `model` epoch by epoch on (already preprocessed) rows; `y` holds class indices (classification)
 * or targets (regression). Rows are shuffled with a seeded permutation each epoch (tfjs's own shuffle
 * uses Math.random), so a run is reproducible. Validation metrics are computed here from the model's outputs.
 */
export async function trainMlp(
  model: tfl.LayersModel,
  train: { X: number[][]; y: number[] },
  validation: { X: number[][]; y: number[] },
  { epochs, batchSize, seed, task = 'binary', classes = 2, classWeight, patience, onEpochEnd }: TrainOptions,
): Promise<TrainResult> {
  const rng = createRng(seed);
  const history: EpochLogs[] = [];
  const target = (y: number): number[] =>
    task === 'multiclass' ? Array.from({ length: classes }, (_, c) => (c === y ? 1 : 0)) : [y];
  let best: { epoch: number; score: number; weights: tf.Tensor[] } | undefined;
  let stoppedEarly = false;
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const started = performance.now();
      const order = permutation(train.y.length, rng);
      const xs = tf.tensor2d(order.map((i) => train.X[i]!));
      const ys = tf.tensor2d(order.map((i) => target(train.y[i]!)));
      let fitted: tfl.History;
      try {
        fitted = await model.fit(xs, ys, {
          epochs: 1,
          batchSize,
          shuffle: false,
          verbose: 0,
          ...(classWeight ? { classWeight: Object.fromEntries(classWeight.map((w, c) => [c, w])) } : {}),
        });
      } finally {
        xs.dispose();
        ys.dispose();
      }
      const outputs = await predictProbabilities(model, validation.X);
      const logs = epochLogs(task, classes, fitted, validation.y, outputs);
      history.push(logs);
      await onEpochEnd?.(epoch, logs, performance.now() - started);
      if (patience === undefined) continue;
      const score = task === 'regression' ? -logs.val_loss : logs.val_auc!;
      if (!best || score > best.score) {
        for (const w of best?.weights ?? []) w.dispose();
        best = { epoch, score, weights: model.getWeights().map((w) => w.clone()) };
      } else if (epoch - best.epoch >= patience) {
        stoppedEarly = epoch + 1 < epochs;
        break;
      }
    }
    if (best) model.setWeights(best.weights);
    return { history, bestEpoch: best?.epoch ?? history.length - 1, stoppedEarly };
  } finally {
    for (const w of best?.weights ?? []) w.dispose();
  }
}

function epochLogs(task: MlpTask, classes: number, fitted: tfl.History, y: number[], outputs: number[]): EpochLogs {
  const loss = lastValue(fitted.history.loss);
  if (task === 'regression') {
    const mse = meanSquaredError(y, outputs);
    return { loss, val_loss: mse, val_rmse: Math.sqrt(mse) };
  }
  const accuracy = lastValue(fitted.history.acc ?? fitted.history.accuracy);
  if (task === 'multiclass') {
    let hits = 0;
    for (let i = 0; i < y.length; i++) {
      let top = 0;
      for (let c = 1; c < classes; c++) if (outputs[i * classes + c]! > outputs[i * classes + top]!) top = c;
      if (top === y[i]) hits++;
    }
    return {
      loss,
      accuracy,
      val_loss: categoricalCrossEntropy(y, outputs, classes),
      val_accuracy: hits / y.length,
      val_auc: multiclassRocAuc(y, outputs, classes),
    };
  }
  return {
    loss,
    accuracy,
    val_loss: binaryCrossEntropy(y, outputs),
    val_accuracy: outputs.reduce((hits, p, i) => hits + Number((p >= 0.5 ? 1 : 0) === y[i]), 0) / outputs.length,
    val_auc: rocAuc(y, outputs),
  };
}

/**
 * sklearn's `class_weight="balanced"`: class c weighs `n / (k · n_c)`, so every class contributes
 * equally to the loss (a class absent from `y` gets 1).
 */
export function balancedClassWeights(y: readonly number[], classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const c of y) counts[c]!++;
  return counts.map((n) => (n === 0 ? 1 : y.length / (classes * n)));
}

/**
 * The model's outputs for each (already preprocessed) row, row after row: the positive-class
 * probability (binary), the class probabilities (multiclass) or the value (regression).
 */
export async function predictProbabilities(model: tfl.LayersModel, rows: number[][]): Promise<number[]> {
  const out = tf.tidy(() => model.predict(tf.tensor2d(rows, [rows.length, rows[0]?.length ?? 0])) as tf.Tensor);
  try {
    return Array.from(await out.data());
  } finally {
    out.dispose();
  }
}

/**
 * Folds a target standardization into the last dense layer of a regression network: afterwards it
 * outputs `mean + std · y` where it output `y`, so the served model answers in the target's units.
 */
export function unstandardizeOutput(model: tfl.LayersModel, { mean, std }: { mean: number; std: number }): void {
  const layer = model.layers.at(-1)!;
  const [kernel, bias] = layer.getWeights() as [tf.Tensor, tf.Tensor];
  const scaled = tf.tidy(() => [tf.mul(kernel, std), tf.add(tf.mul(bias, std), mean)]);
  layer.setWeights(scaled);
  for (const t of scaled) t.dispose();
}

function lastValue(values: (number | tf.Tensor)[] | undefined): number {
  const v = values?.at(-1);
  if (v === undefined) throw new Error('tfjs returned no value for an epoch metric');
  return typeof v === 'number' ? v : (v.dataSync()[0] as number);
}
