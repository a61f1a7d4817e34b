/**
 * `npm run train -- [--epochs N] [--seed S] [--samples N] [--model NAME] [--experiment NAME] [--register] [--promote]`:
 * trains the demo fraud model with TFJS in Node and logs it to the tracker at `MLFLOW_TRACKING_URI` (else
 * localhost on `EDGEFLOW_TRACKER_PORT`, default 5000) (params, per-epoch metrics, test metrics, model files),
 * optionally registering and promoting it.
 */
import { userInfo } from 'node:os';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Signature } from '../contracts/index.ts';
import { PRODUCTION_ALIAS } from '../contracts/index.ts';
import { fitLogger } from '../tracker/client/fit-logger.ts';
import { TrackerClient } from '../tracker/client/index.ts';
import { TEST_METRIC_PREFIX } from '../tracker/src/monitoring/validation-metrics.ts';
import type { BinaryMetrics } from './lib/metrics.ts';
import { contentTypeOf, type ModelFiles } from './lib/model-files.ts';
import { DEMO_CONFIG, type DemoConfig, type DemoTrainingResult, trainDemoModel } from './lib/train-demo.ts';

/** Options of `trainAndLog`: the training hyperparameters plus where and how to log. */
export interface TrainAndLogOptions extends Partial<DemoConfig> {
  /** Registered model name (default `fraud-detector`). */
  model?: string;
  /** Experiment name (default `fraud-detection`). */
  experiment?: string;
  runName?: string;
  /** Create a model version from the run's `model/` artifacts (the model opted in to the edge). */
  register?: boolean;
  /** Set alias `production` on the new version (implies `register`). */
  promote?: boolean;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** What `trainAndLog` hands back. */
export interface TrainAndLogResult {
  runId: string;
  experimentId: string;
  /** The registered version, when `register` or `promote` was set. */
  version?: string;
  /** Test metrics on the held-out rows (logged with the `test_` prefix). */
  metrics: BinaryMetrics;
  trainMs: number;
  /** The trained model and its signature, for Node-side predictions. */
  layersModel: tfl.LayersModel;
  signature: Signature;
  files: ModelFiles;
}

/** Artifact folder of the model files inside a run. */
export const MODEL_ARTIFACT_DIR = 'model';

/**
 * Train the demo model and log it as one run: params, per-epoch metrics through the fit logger
 * (loss, accuracy, val_loss, val_accuracy, val_auc; step = epoch), test metrics (`test_*`),
 * `train_time_s`, and `model/{model.json, group1-shard1of1.bin, signature.json}`. The run ends
 * FINISHED, or FAILED if anything before that throws. Then optionally register (`runs:/<run_id>/model`) and promote.
 */
export async function trainAndLog(client: TrackerClient, opts: TrainAndLogOptions = {}): Promise<TrainAndLogResult> {
  const { model = 'fraud-detector', experiment = 'fraud-detection', register, promote, ...rest } = opts;
  const log = opts.log ?? (() => {});
  const config: DemoConfig = { ...DEMO_CONFIG, ...pickConfig(rest) };
  const runName = opts.runName ?? `mlp-${config.hiddenUnits.join('x')}-e${config.epochs}-s${config.seed}`;

  const experimentId = await client.getOrCreateExperiment(experiment);
  const run = await client.createRun({
    experimentId,
    runName,
    tags: {
      'mlflow.source.name': 'scripts/train.ts',
      'mlflow.source.type': 'LOCAL',
      'mlflow.user': safeUser(),
      'edgeflow.model': model,
    },
  });
  const runId = run.run_id;
  log(`run ${runId} (${runName}) in experiment ${experiment}`);

  const metrics = client.metricLogger(runId);
  let result: DemoTrainingResult;
  try {
    const epochs = fitLogger(metrics);
    result = await trainDemoModel(config, async (epoch, logs, ms) => {
      await epochs.onEpochEnd(epoch, { ...logs });
      log(
        `epoch ${String(epoch + 1).padStart(String(config.epochs).length)}/${config.epochs}` +
          `  loss ${logs.loss.toFixed(4)}  acc ${logs.accuracy.toFixed(4)}` +
          `  val_loss ${logs.val_loss.toFixed(4)}  val_auc ${logs.val_auc.toFixed(4)}  ${ms.toFixed(0)} ms`,
      );
    });
    await metrics.close();
    await client.logParams(runId, result.params);
    const now = Date.now();
    await client.logBatch(runId, {
      metrics: [
        ...Object.entries(result.testMetrics).map(([key, value]) => ({
          key: `${TEST_METRIC_PREFIX}${key}`,
          value,
          timestamp: now,
          step: 0,
        })),
        { key: 'train_time_s', value: result.trainMs / 1000, timestamp: now, step: 0 },
      ],
      params: [],
      tags: [],
    });
    for (const [name, bytes] of Object.entries(result.files)) {
      await client.logArtifact(runId, `${MODEL_ARTIFACT_DIR}/${name}`, bytes, contentTypeOf(name));
    }
    await client.endRun(runId, 'FINISHED');
  } catch (err) {
    await Promise.resolve(metrics.close()).catch(() => {});
    await client.endRun(runId, 'FAILED').catch(() => {});
    throw err;
  }
  const m = result.testMetrics;
  log(
    `test  accuracy ${m.accuracy.toFixed(4)}  precision ${m.precision.toFixed(4)}  recall ${m.recall.toFixed(4)}` +
      `  f1 ${m.f1.toFixed(4)}  roc_auc ${m.roc_auc.toFixed(4)}  (trained in ${(result.trainMs / 1000).toFixed(1)} s on ${result.backend})`,
  );

  let version: string | undefined;
  if (register || promote) {
    await client.ensureRegisteredModel(model, { edge: true });
    const created = await client.createModelVersion({
      name: model,
      source: `runs:/${runId}/${MODEL_ARTIFACT_DIR}`,
      runId,
    });
    version = String(created.version);
    log(`registered ${model} version ${version}`);
    if (promote) {
      await client.setAlias(model, PRODUCTION_ALIAS, version);
      log(`promoted ${model} version ${version} (alias ${PRODUCTION_ALIAS})`);
    }
  }
  return {
    runId,
    experimentId,
    version,
    metrics: m,
    trainMs: result.trainMs,
    layersModel: result.model,
    signature: result.signature,
    files: result.files,
  };
}

function pickConfig(rest: Partial<DemoConfig> & Record<string, unknown>): Partial<DemoConfig> {
  const keys = Object.keys(DEMO_CONFIG) as (keyof DemoConfig)[];
  return Object.fromEntries(keys.filter((k) => rest[k] !== undefined).map((k) => [k, rest[k]]));
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

function parseCli(argv: string[]): TrainAndLogOptions {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    options: {
      epochs: { type: 'string' },
      seed: { type: 'string' },
      samples: { type: 'string' },
      model: { type: 'string' },
      experiment: { type: 'string' },
      backend: { type: 'string' },
      register: { type: 'boolean' },
      promote: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
  const int = (name: string, v: string | undefined, min: number): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${v}`);
    return n;
  };
  if (values.backend !== undefined && values.backend !== 'wasm' && values.backend !== 'cpu') {
    throw new Error(`--backend must be wasm or cpu, got ${values.backend}`);
  }
  return {
    epochs: int('epochs', values.epochs, 1),
    seed: int('seed', values.seed, 0),
    nSamples: int('samples', values.samples, 50),
    backend: values.backend,
    model: values.model,
    experiment: values.experiment,
    register: values.register,
    promote: values.promote,
  };
}

async function main(): Promise<void> {
  let opts: TrainAndLogOptions;
  try {
    opts = parseCli(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}
usage: npm run train -- [--epochs N] [--seed S] [--samples N] [--backend wasm|cpu] [--model NAME] [--experiment NAME] [--register] [--promote]`);
    process.exitCode = 2;
    return;
  }
  const client = new TrackerClient();
  try {
    const result = await trainAndLog(client, { ...opts, log: (line) => console.log(line) });
    console.log(`done: run ${result.runId}${result.version ? `, version ${result.version}` : ''} (${client.baseUrl})`);
  } catch (err) {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main();
}
