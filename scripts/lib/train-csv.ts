import type * as tfl from '@tensorflow/tfjs-layers';
import { buildReferenceProfile, REFERENCE_FILE, type ReferenceProfile, Signature } from '../../contracts/index.ts';
import {
  type ColumnProfile,
  inferColumns,
  inferTask,
  isMissing,
  outputForTask,
  parseNumber,
  type Task,
} from './column-types.ts';
import type { CsvTable } from './csv.ts';
import { type FeatureEncoder, fitEncoder, modelRow, modelWidth, rawRow, signatureInputs } from './feature-encoder.ts';
import { argmaxRows, binaryMetrics, multiclassMetrics, regressionMetrics } from './metrics.ts';
import {
  balancedClassWeights,
  buildMlp,
  type EpochLogs,
  predictProbabilities,
  trainMlp,
  unstandardizeOutput,
} from './mlp.ts';
import { type ModelFiles, modelToFiles } from './model-files.ts';
import { quantileStrata, stratifiedIndices } from './split.ts';
import { initBackend, type NodeBackend } from './tf-backend.ts';

/** How `trainFromCsv` reads the table and trains; every field but `label` has a default (`CSV_DEFAULTS`). */
export interface CsvTrainConfig {
  /** The column to predict. */
  label: string;
  /** A column that identifies rows: not a feature. */
  id?: string;
  /** Columns that are not features. */
  drop: string[];
  /** Columns to treat as categorical whatever they hold. */
  categorical: string[];
  /** Overrides the task the label's values imply. */
  task?: Task;
  /** The positive class of a binary label. */
  positive?: string;
  /** Most epochs. */
  epochs: number;
  /** Early stopping: epochs without a better validation AUC (regression: loss) before training stops. */
  patience: number;
  batchSize: number;
  learningRate: number;
  hiddenUnits: number[];
  /** Seeds the weights and the per-epoch shuffle (not the split, which is the data's). */
  seed: number;
  testSize: number;
  validationSize: number;
  /** `balanced`: each class weighs n / (k · n_c) in the loss; `none`: every row weighs 1. */
  classWeight: 'balanced' | 'none';
  backend: NodeBackend;
}

/** The defaults of the CSV path: the demo's network and optimizer, up to 100 epochs stopped after 10 without gain. */
export const CSV_DEFAULTS: Omit<CsvTrainConfig, 'label'> = {
  drop: [],
  categorical: [],
  epochs: 100,
  patience: 10,
  batchSize: 32,
  learningRate: 0.001,
  hiddenUnits: [64, 32],
  seed: 42,
  testSize: 0.2,
  validationSize: 0.1,
  classWeight: 'balanced',
  backend: 'wasm',
};

/** Seeds the test split (and, plus one, the validation split): the data's, so runs of any `seed` share their test rows. */
export const SPLIT_SEED = 42;

/** A column of the table and what training did with it. */
export interface ColumnRole extends ColumnProfile {
  role: 'feature' | 'label' | 'id' | 'dropped' | 'empty';
}

/** What `trainFromCsv` hands back. */
export interface CsvTrainingResult {
  model: tfl.LayersModel;
  signature: Signature;
  reference: ReferenceProfile;
  /** model.json, its weight shard, signature.json, reference.json. */
  files: ModelFiles;
  task: Task;
  /** Class values in index order (binary: negative, positive). */
  classes?: string[];
  columns: ColumnRole[];
  /** Rows read, and rows dropped for a missing label. */
  rows: number;
  droppedRows: number;
  params: Record<string, string | number>;
  history: EpochLogs[];
  /** The epoch (0-based) whose weights the model keeps. */
  bestEpoch: number;
  /** Metrics on the held-out test rows: binary as the demo; multiclass adds log_loss; regression rmse, mae, r2. */
  testMetrics: Record<string, number>;
  backend: NodeBackend;
  trainMs: number;
}

/**
 * Trains a model on a CSV table: infers each column's type and the task from the label (or takes
 * `task`), drops rows without a label, splits 80/20 stratified (by class; by target decile for a
 * regression) with `SPLIT_SEED` and carves a stratified validation part from the training rows, fills
 * missing numbers with the training median and one-hot encodes categories (`fitEncoder`), standardizes
 * on the training rows, weighs classes, trains the MLP with early stopping on the validation AUC (loss
 * for a regression), and evaluates on the test rows. A regression's target is standardized for training
 * and the scale folded back into the output layer. Does not talk to the tracker.
 */
export async function trainFromCsv(
  table: CsvTable,
  options: Partial<CsvTrainConfig> & { label: string },
  onEpochEnd?: (epoch: number, logs: EpochLogs, ms: number) => void | Promise<void>,
): Promise<CsvTrainingResult> {
  const config: CsvTrainConfig = { ...CSV_DEFAULTS, ...dropUndefined(options), label: options.label };
  const { header } = table;
  const column = (name: string, flag: string) => {
    const at = header.indexOf(name);
    if (at === -1) throw new Error(`${flag} ${name}: no such column; the columns are ${header.join(', ')}`);
    return at;
  };
  const labelAt = column(config.label, '--label');
  const idAt = config.id === undefined ? -1 : column(config.id, '--id');
  const dropped = new Set(config.drop.map((name) => column(name, '--drop')));
  for (const name of config.categorical) column(name, '--categorical');
  if (config.categorical.includes(config.label)) {
    throw new Error(`--categorical ${config.label}: that is the label (its type sets the task; see --task)`);
  }

  const rows = table.rows.filter((row) => !isMissing(row[labelAt]!));
  const droppedRows = table.rows.length - rows.length;
  if (rows.length < 10) throw new Error(`only ${rows.length} rows have a label; training needs at least 10`);
  const profiles = inferColumns(header, rows, config.categorical);
  const columns: ColumnRole[] = profiles.map((p, c) => ({
    ...p,
    role:
      c === labelAt ? 'label' : c === idAt ? 'id' : dropped.has(c) ? 'dropped' : p.distinct === 0 ? 'empty' : 'feature',
  }));
  const featureAt = columns.flatMap((c, i) => (c.role === 'feature' ? [i] : []));
  if (!featureAt.length)
    throw new Error('no feature columns are left (every column is the label, an id, dropped or empty)');

  const { task, classes } = inferTask(
    rows.map((row) => row[labelAt]!),
    { task: config.task, positive: config.positive },
  );
  const y = rows.map((row) => {
    const v = row[labelAt]!.trim();
    return classes ? classes.indexOf(v) : parseNumber(v)!;
  });
  const strata = classes ? y : quantileStrata(y);
  const split = stratifiedIndices(strata, config.testSize, SPLIT_SEED);
  const inner = stratifiedIndices(
    split.trainIndex.map((i) => strata[i]!),
    config.validationSize,
    SPLIT_SEED + 1,
  );
  const fitIndex = inner.trainIndex.map((k) => split.trainIndex[k]!);
  const valIndex = inner.testIndex.map((k) => split.trainIndex[k]!);

  const cells = rows.map((row) => featureAt.map((c) => row[c]!));
  const encoder = fitEncoder(
    featureAt.map((c) => columns[c]!),
    cells,
    split.trainIndex,
  );
  const raw = cells.map((row) => rawRow(encoder, row));
  const x = raw.map((row) => modelRow(encoder, row));
  const backend = await initBackend(config.backend);
  const k = classes?.length ?? 1;
  const target = task === 'regression' ? targetScale(fitIndex.map((i) => y[i]!)) : { mean: 0, std: 1 };
  const part = (index: number[]) => ({
    X: index.map((i) => x[i]!),
    y: index.map((i) => (y[i]! - target.mean) / target.std),
  });

  const model = buildMlp({
    inputDim: modelWidth(encoder),
    hiddenUnits: config.hiddenUnits,
    learningRate: config.learningRate,
    seed: config.seed,
    task,
    classes: k,
  });
  const train = part(fitIndex);
  const started = performance.now();
  const { history, bestEpoch } = await trainMlp(model, train, part(valIndex), {
    epochs: config.epochs,
    batchSize: config.batchSize,
    seed: config.seed,
    task,
    classes: k,
    classWeight: classes && config.classWeight === 'balanced' ? balancedClassWeights(train.y, k) : undefined,
    patience: config.patience,
    onEpochEnd,
  });
  const trainMs = performance.now() - started;
  if (task === 'regression') unstandardizeOutput(model, target);

  const yOf = (index: number[]) => index.map((i) => y[i]!);
  const testOut = await predictProbabilities(model, part(split.testIndex).X);
  const testMetrics: Record<string, number> = { ...evaluate(task, k, yOf(split.testIndex), testOut) };
  const valOut = await predictProbabilities(model, part(valIndex).X);

  const signature = Signature.parse({
    ...signatureInputs(encoder, raw[split.testIndex[0]!]!),
    output: outputForTask(task, classes),
    format: 'tfjs-layers',
  });
  const reference = buildReferenceProfile({
    source: 'training',
    names: encoder.features.map((f) => f.name),
    rows: split.trainIndex.map((i) => raw[i]!),
    categorical: categoricalNames(encoder),
    output:
      task === 'binary'
        ? { field: 'probability', values: valOut }
        : task === 'multiclass'
          ? { field: 'prediction', values: argmaxRows(valOut, k), categorical: true }
          : { field: 'prediction', values: valOut },
    seed: config.seed,
  });
  const files = {
    ...(await modelToFiles(model, signature)),
    [REFERENCE_FILE]: new TextEncoder().encode(JSON.stringify(reference)),
  };

  const params = {
    model_type: 'mlp',
    task,
    label: config.label,
    hidden_units: config.hiddenUnits.join(','),
    activation: 'relu',
    optimizer: 'adam',
    learning_rate: config.learningRate,
    epochs: config.epochs,
    patience: config.patience,
    batch_size: config.batchSize,
    random_state: config.seed,
    split_seed: SPLIT_SEED,
    test_size: config.testSize,
    validation_size: config.validationSize,
    class_weight: classes ? config.classWeight : 'none',
    n_rows: table.rows.length,
    n_features: encoder.features.length,
    n_inputs: modelWidth(encoder),
    categorical: categoricalNames(encoder).join(',') || '(none)',
    missing_label_rows: droppedRows,
    train_samples: fitIndex.length,
    val_samples: valIndex.length,
    test_samples: split.testIndex.length,
    tfjs_backend: backend,
  };
  return {
    model,
    signature,
    reference,
    files,
    task,
    classes,
    columns,
    rows: table.rows.length,
    droppedRows,
    params,
    history,
    bestEpoch,
    testMetrics,
    backend,
    trainMs,
  };
}

/** Lines that say what `trainFromCsv` read: each column's type and role, the task, the missing-value policy. */
export function describeTraining(result: CsvTrainingResult): string[] {
  const width = Math.max(6, ...result.columns.map((c) => c.name.length));
  const lines = [
    `${result.rows} rows${result.droppedRows ? ` (${result.droppedRows} without a label, dropped)` : ''}, ${result.columns.length} columns:`,
    `  ${'column'.padEnd(width)}  type         missing  distinct  role`,
    ...result.columns.map(
      (c) =>
        `  ${c.name.padEnd(width)}  ${c.kind.padEnd(11)}  ${String(c.missing).padStart(7)}  ${String(c.distinct).padStart(8)}  ${c.role}`,
    ),
  ];
  const classes = result.classes;
  lines.push(
    `task: ${result.task}${
      result.task === 'binary'
        ? ` (negative ${JSON.stringify(classes![0])}, positive ${JSON.stringify(classes![1])}; --positive to choose)`
        : result.task === 'multiclass'
          ? ` (${classes!.length} classes: ${classes!.slice(0, 10).join(', ')}${classes!.length > 10 ? ', …' : ''})`
          : ''
    }; --task binary|multiclass|regression to override`,
    'missing values: a numeric cell takes the training median (requests may send null for it); a categorical cell is no category (all zeros; null in requests); rows without a label are dropped',
  );
  return lines;
}

function evaluate(task: Task, k: number, y: number[], out: number[]) {
  if (task === 'binary') return binaryMetrics(y, out);
  if (task === 'multiclass') return multiclassMetrics(y, out, k);
  return regressionMetrics(y, out);
}

function targetScale(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
  return { mean, std: std > 0 ? std : 1 };
}

function categoricalNames(encoder: FeatureEncoder): string[] {
  return encoder.features.filter((f) => f.kind === 'categorical').map((f) => f.name);
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
