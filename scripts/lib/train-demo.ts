import type * as tfl from '@tensorflow/tfjs-layers';
import { buildReferenceProfile, REFERENCE_FILE, type ReferenceProfile, type Signature } from '../../contracts/index.ts';
import { DEMO_DATASET, makeClassification, stratifiedSplit } from './make-classification.ts';
import { type BinaryMetrics, binaryMetrics } from './metrics.ts';
import { buildMlp, type EpochLogs, predictProbabilities, trainMlp } from './mlp.ts';
import { buildSignature, type ModelFiles, modelToFiles } from './model-files.ts';
import { applyStandardizer, fitStandardizer } from './standardize.ts';
import { initBackend, type NodeBackend } from './tf-backend.ts';

/** Hyperparameters of the demo model; every field has the default `train.ts` uses. */
export interface DemoConfig {
  nSamples: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  hiddenUnits: number[];
  seed: number;
  testSize: number;
  /** Fraction of the training rows held out (stratified) for the per-epoch validation metrics. */
  validationSize: number;
  backend: NodeBackend;
}

/** The defaults: the seed's data set, a 20→64→32→1 MLP, Adam 1e-3, 30 epochs of batch 32. */
export const DEMO_CONFIG: DemoConfig = {
  nSamples: DEMO_DATASET.nSamples,
  epochs: 30,
  batchSize: 32,
  learningRate: 0.001,
  hiddenUnits: [64, 32],
  seed: DEMO_DATASET.seed,
  testSize: 0.2,
  validationSize: 0.1,
  backend: 'wasm',
};

/** What `trainDemoModel` hands back. */
export interface DemoTrainingResult {
  model: tfl.LayersModel;
  signature: Signature;
  /** The training rows' and validation outputs' distributions (`reference.json` in `files`). */
  reference: ReferenceProfile;
  /** model.json, group1-shard1of1.bin, signature.json, reference.json. */
  files: ModelFiles;
  /** The run's params, in the seed's CONFIG style (snake_case). */
  params: Record<string, string | number>;
  history: EpochLogs[];
  /** Metrics on the held-out test rows. */
  testMetrics: BinaryMetrics;
  backend: NodeBackend;
  trainMs: number;
}

/**
 * The seed's train.py in TFJS: generate the demo data set, split 80/20 stratified, fit the
 * standardizer on the training rows, carve a validation part, train the MLP, evaluate on the test
 * rows, and serialize model + signature. Does not talk to the tracker.
 */
export async function trainDemoModel(
  overrides: Partial<DemoConfig> = {},
  onEpochEnd?: (epoch: number, logs: EpochLogs, ms: number) => void | Promise<void>,
): Promise<DemoTrainingResult> {
  const config = { ...DEMO_CONFIG, ...overrides };
  const backend = await initBackend(config.backend);

  const { X, y } = makeClassification({ ...DEMO_DATASET, nSamples: config.nSamples, seed: config.seed });
  const split = stratifiedSplit(X, y, config.testSize, config.seed);
  const fit = stratifiedSplit(split.xTrain, split.yTrain, config.validationSize, config.seed + 1);
  const standardizer = fitStandardizer(split.xTrain);

  const model = buildMlp({
    inputDim: DEMO_DATASET.nFeatures,
    hiddenUnits: config.hiddenUnits,
    learningRate: config.learningRate,
    seed: config.seed,
  });
  const started = performance.now();
  const history = await trainMlp(
    model,
    { X: applyStandardizer(fit.xTrain, standardizer), y: fit.yTrain },
    { X: applyStandardizer(fit.xTest, standardizer), y: fit.yTest },
    { epochs: config.epochs, batchSize: config.batchSize, seed: config.seed, onEpochEnd },
  );
  const trainMs = performance.now() - started;

  const probabilities = await predictProbabilities(model, applyStandardizer(split.xTest, standardizer));
  const testMetrics = binaryMetrics(split.yTest, probabilities);
  const signature = buildSignature({ standardizer, sample: split.xTest[0]! });
  const validation = await predictProbabilities(model, applyStandardizer(fit.xTest, standardizer));
  const reference = buildReferenceProfile({
    source: 'training',
    names: signature.inputs.map((i) => i.name),
    rows: split.xTrain,
    output: { field: 'probability', values: validation },
    seed: config.seed,
  });
  const files = {
    ...(await modelToFiles(model, signature)),
    [REFERENCE_FILE]: new TextEncoder().encode(JSON.stringify(reference)),
  };

  const params = {
    model_type: 'mlp',
    hidden_units: config.hiddenUnits.join(','),
    activation: 'relu',
    optimizer: 'adam',
    learning_rate: config.learningRate,
    epochs: config.epochs,
    batch_size: config.batchSize,
    random_state: config.seed,
    test_size: config.testSize,
    validation_size: config.validationSize,
    n_samples: config.nSamples,
    n_features: DEMO_DATASET.nFeatures,
    n_informative: DEMO_DATASET.nInformative,
    n_redundant: DEMO_DATASET.nRedundant,
    train_samples: fit.yTrain.length,
    val_samples: fit.yTest.length,
    test_samples: split.yTest.length,
    tfjs_backend: backend,
  };
  return { model, signature, reference, files, params, history, testMetrics, backend, trainMs };
}
