/**
 * `npm run train -- [options]`: trains the demo fraud model, or a model on your CSV (`--csv`), with TFJS
 * in Node and logs it to the tracker at `MLFLOW_TRACKING_URI` (else localhost on `EDGEFLOW_TRACKER_PORT`,
 * default 5000): params, per-epoch metrics, test metrics, model files, the dataset (log-inputs);
 * optionally registering and promoting it. `--help` lists the options (`USAGE`).
 */
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { basename, extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Signature } from '../contracts/index.ts';
import { modelNameProblem, PRODUCTION_ALIAS } from '../contracts/index.ts';
import { fitLogger } from '../tracker/client/fit-logger.ts';
import { type LoggedDatasetInput, TrackerClient } from '../tracker/client/index.ts';
import { TEST_METRIC_PREFIX } from '../tracker/src/monitoring/validation-metrics.ts';
import type { Task } from './lib/column-types.ts';
import { parseCsv } from './lib/csv.ts';
import { csvDatasetInput } from './lib/dataset-lineage.ts';
import { errorLine } from './lib/error-line.ts';
import type { EpochLogs } from './lib/mlp.ts';
import { contentTypeOf, type ModelFiles } from './lib/model-files.ts';
import { type CsvTrainConfig, describeTraining, trainFromCsv } from './lib/train-csv.ts';
import { DEMO_CONFIG, type DemoConfig, trainDemoModel } from './lib/train-demo.ts';

/** What `--csv` trains on: the file, how to read it, and the CSV path's settings. */
export type CsvOptions = Partial<
  Omit<CsvTrainConfig, 'backend' | 'epochs' | 'seed' | 'hiddenUnits' | 'learningRate' | 'batchSize'>
> & {
  /** The CSV file. */
  path: string;
  label: string;
  /** Field delimiter (default `,`). */
  delimiter?: string;
  /** A version id of the file from elsewhere (a DVC `.dvc` md5, a lakeFS commit id), logged with the dataset. */
  datasetDigest?: string;
};

/** Options of `trainAndLog`: the training hyperparameters plus where and how to log. */
export interface TrainAndLogOptions extends Partial<DemoConfig> {
  /** Train on this CSV file instead of the demo data set. */
  csv?: CsvOptions;
  /** Registered model name (default `fraud-detector`; with `csv`, the file's name). */
  model?: string;
  /** Experiment name (default `fraud-detection`; with `csv`, the model's name). */
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
  metrics: Record<string, number>;
  trainMs: number;
  /** The trained model and its signature, for Node-side predictions. */
  layersModel: tfl.LayersModel;
  signature: Signature;
  files: ModelFiles;
}

/** Artifact folder of the model files inside a run. */
export const MODEL_ARTIFACT_DIR = 'model';

/** What either trainer hands `trainAndLog`. */
interface Trained {
  model: tfl.LayersModel;
  signature: Signature;
  files: ModelFiles;
  params: Record<string, string | number>;
  testMetrics: Record<string, number>;
  /** Logged beside the test metrics (step 0). */
  metrics: Record<string, number>;
  trainMs: number;
  backend: string;
  dataset?: LoggedDatasetInput;
}

/**
 * Train the demo model, or a model on `csv`, and log it as one run: params, per-epoch metrics through
 * the fit logger (loss, val_loss and the task's others; step = epoch), test metrics (`test_*`),
 * `train_time_s`, the CSV file as the run's dataset (log-inputs), and
 * `model/{model.json, group1-shard1of1.bin, signature.json, reference.json}`. The run ends FINISHED, or
 * FAILED if anything before that throws. Then optionally register (`runs:/<run_id>/model`, the model
 * tagged `edgeflow.edge=true`) and promote.
 */
export async function trainAndLog(client: TrackerClient, opts: TrainAndLogOptions = {}): Promise<TrainAndLogResult> {
  const { csv, register, promote, ...rest } = opts;
  const model = opts.model ?? (csv ? modelNameOf(csv.path) : 'fraud-detector');
  const experiment = opts.experiment ?? (csv ? model : 'fraud-detection');
  const log = opts.log ?? (() => {});
  const config: DemoConfig = { ...DEMO_CONFIG, ...pickConfig(rest) };
  const epochs = csv ? (opts.epochs ?? 100) : config.epochs;
  const runName =
    opts.runName ??
    (csv
      ? `mlp-${config.hiddenUnits.join('x')}-${csv.label}-s${config.seed}`
      : `mlp-${config.hiddenUnits.join('x')}-e${config.epochs}-s${config.seed}`);
  const bytes = csv ? new Uint8Array(await readFile(csv.path)) : undefined;

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
  let result: Trained;
  try {
    const logger = fitLogger(metrics);
    const onEpochEnd = async (epoch: number, logs: EpochLogs, ms: number) => {
      await logger.onEpochEnd(epoch, { ...logs });
      log(
        `epoch ${String(epoch + 1).padStart(String(epochs).length)}/${epochs}  ${Object.entries(logs)
          .map(([k, v]) => `${k === 'accuracy' ? 'acc' : k} ${(v as number).toFixed(4)}`)
          .join('  ')}  ${ms.toFixed(0)} ms`,
      );
    };
    result = csv ? await trainCsv(csv, bytes!, config, epochs, onEpochEnd, log) : await trainDemo(config, onEpochEnd);
    await metrics.close();
    await client.logParams(runId, result.params);
    if (result.dataset) await client.logInputs(runId, [result.dataset]);
    const now = Date.now();
    await client.logBatch(runId, {
      metrics: [
        ...Object.entries(result.testMetrics).map(([key, value]) => ({
          key: `${TEST_METRIC_PREFIX}${key}`,
          value,
          timestamp: now,
          step: 0,
        })),
        ...Object.entries(result.metrics).map(([key, value]) => ({ key, value, timestamp: now, step: 0 })),
        { key: 'train_time_s', value: result.trainMs / 1000, timestamp: now, step: 0 },
      ],
      params: [],
      tags: [],
    });
    for (const [name, data] of Object.entries(result.files)) {
      await client.logArtifact(runId, `${MODEL_ARTIFACT_DIR}/${name}`, data, contentTypeOf(name));
    }
    await client.endRun(runId, 'FINISHED');
  } catch (err) {
    await Promise.resolve(metrics.close()).catch(() => {});
    await client.endRun(runId, 'FAILED').catch(() => {});
    throw err;
  }
  log(
    `test  ${Object.entries(result.testMetrics)
      .map(([k, v]) => `${k} ${v.toFixed(4)}`)
      .join('  ')}  (trained in ${(result.trainMs / 1000).toFixed(1)} s on ${result.backend})`,
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
    metrics: result.testMetrics,
    trainMs: result.trainMs,
    layersModel: result.model,
    signature: result.signature,
    files: result.files,
  };
}

async function trainDemo(config: DemoConfig, onEpochEnd: (e: number, l: EpochLogs, ms: number) => Promise<void>) {
  const result = await trainDemoModel(config, onEpochEnd);
  return { ...result, testMetrics: { ...result.testMetrics }, metrics: {} };
}

async function trainCsv(
  csv: CsvOptions,
  bytes: Uint8Array,
  config: DemoConfig,
  epochs: number,
  onEpochEnd: (e: number, l: EpochLogs, ms: number) => Promise<void>,
  log: (line: string) => void,
): Promise<Trained> {
  const { path, delimiter, datasetDigest, ...settings } = csv;
  const table = parseCsv(new TextDecoder().decode(bytes), delimiter);
  const result = await trainFromCsv(
    table,
    {
      ...settings,
      epochs,
      seed: config.seed,
      hiddenUnits: config.hiddenUnits,
      learningRate: config.learningRate,
      batchSize: config.batchSize,
      backend: config.backend,
    },
    onEpochEnd,
  );
  for (const line of describeTraining(result)) log(line);
  const best = result.history[result.bestEpoch]!;
  const monitored = result.task === 'regression' ? 'val_loss' : 'val_auc';
  log(
    `kept epoch ${result.bestEpoch + 1} of ${result.history.length} (best ${monitored} ${best[monitored]!.toFixed(4)})`,
  );
  return {
    ...result,
    metrics: { best_epoch: result.bestEpoch, epochs_trained: result.history.length },
    dataset: csvDatasetInput({
      path,
      bytes,
      columns: result.columns,
      rows: table.rows.length,
      datasetDigest,
    }),
  };
}

/** A registered model name from a CSV file's name: `data/Card Fraud.csv` → `card-fraud`. */
export function modelNameOf(path: string): string {
  const name = basename(path, extname(path))
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[-_.]+|[-_.]+$/g, '');
  return name && !modelNameProblem(name) ? name : 'csv-model';
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

/** `npm run train -- --help`. */
export const USAGE = `usage: npm run train -- [options]

Trains a model with TFJS in Node, logs the run to the tracker (MLFLOW_TRACKING_URI, else
http://localhost:$EDGEFLOW_TRACKER_PORT, default 5000) and optionally registers and promotes it.
Without --csv it trains the demo model on a make_classification data set.

Your data (--csv):
  --csv FILE              train on this CSV file (header line first; RFC 4180 quoting)
  --label COLUMN          the column to predict (required with --csv)
  --id COLUMN             a column that identifies rows (not a feature)
  --drop A,B              columns that are not features
  --categorical C,D       columns to one-hot encode even though they hold numbers
  --task TASK             binary | multiclass | regression (default: from the label's values)
  --positive VALUE        the positive class of a binary label (default: 1/true/yes…, else the second sorted)
  --delimiter CHAR        field delimiter (default ,)
  --patience N            early stopping: epochs without a better validation AUC (regression: loss); default 10
  --class-weight MODE     balanced | none (default balanced)
  --dataset-digest ID     the file's version elsewhere (DVC .dvc md5, lakeFS commit id), logged with the dataset

Training:
  --epochs N              epochs (default 30 for the demo; at most 100 with --csv, early stopping)
  --seed S                seeds the weights and the shuffle only (default 42)
  --hidden 64,32          hidden layer sizes (default 64,32)
  --learning-rate LR      Adam's learning rate (default 0.001)
  --batch-size N          default 32
  --backend wasm|cpu      TFJS backend (default wasm)

The demo data set:
  --samples N             rows (default 5000)
  --demo-seed S           seeds the data set and its split (default 42): another value is another problem

Tracking and registry:
  --name NAME             registered model name (default fraud-detector; with --csv, the file's name)
  --model NAME            the same as --name
  --experiment NAME       experiment (default fraud-detection; with --csv, the model's name)
  --register              register a version (the model tagged edgeflow.edge=true, so it can serve at the edge)
  --promote               register and set alias production: the edge serves it
  -h, --help              this text`;

const OPTIONS = {
  csv: { type: 'string' },
  label: { type: 'string' },
  id: { type: 'string' },
  drop: { type: 'string' },
  categorical: { type: 'string' },
  task: { type: 'string' },
  positive: { type: 'string' },
  delimiter: { type: 'string' },
  patience: { type: 'string' },
  'class-weight': { type: 'string' },
  'dataset-digest': { type: 'string' },
  epochs: { type: 'string' },
  seed: { type: 'string' },
  hidden: { type: 'string' },
  'learning-rate': { type: 'string' },
  'batch-size': { type: 'string' },
  backend: { type: 'string' },
  samples: { type: 'string' },
  'demo-seed': { type: 'string' },
  name: { type: 'string' },
  model: { type: 'string' },
  experiment: { type: 'string' },
  register: { type: 'boolean' },
  promote: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const CSV_ONLY = [
  'label',
  'id',
  'drop',
  'categorical',
  'task',
  'positive',
  'delimiter',
  'patience',
  'class-weight',
  'dataset-digest',
] as const;
const DEMO_ONLY = ['samples', 'demo-seed'] as const;

/** A command line of `npm run train`: its options, or `help` when it asks for `USAGE`. Throws on bad options. */
export function parseTrainArgs(argv: string[]): TrainAndLogOptions | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv.filter((a) => a !== '--'),
      options: OPTIONS,
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    const e = err as { code?: string; message: string };
    const option = /'([^']+)'/.exec(e.message)?.[1];
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new Error(`unknown option ${option}`);
    if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      throw new Error(`unexpected argument ${option} (options start with --)`);
    }
    if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new Error(e.message.split('\n')[0]!);
    throw err;
  }
  if (values.help) return 'help';
  const str = (k: string) => values[k] as string | undefined;
  if (str('csv') === undefined) {
    const csvOnly = CSV_ONLY.find((k) => values[k] !== undefined);
    if (csvOnly) throw new Error(`--${csvOnly} needs --csv FILE`);
  } else {
    const demoOnly = DEMO_ONLY.find((k) => values[k] !== undefined);
    if (demoOnly) throw new Error(`--${demoOnly} is for the demo data set, not --csv`);
    if (str('label') === undefined) throw new Error('--csv needs --label COLUMN (the column to predict)');
  }
  if (str('name') !== undefined && str('model') !== undefined) throw new Error('give --name or --model, not both');
  const int = (name: string, min: number): number | undefined => {
    const v = str(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${v}`);
    return n;
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[]): T | undefined => {
    const v = str(name);
    if (v !== undefined && !allowed.includes(v as T))
      throw new Error(`--${name} must be ${allowed.join(' or ')}, got ${v}`);
    return v as T | undefined;
  };
  const list = (name: string) =>
    str(name)
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const lr = str('learning-rate');
  if (lr !== undefined && !(Number(lr) > 0 && Number(lr) < 1))
    throw new Error(`--learning-rate must be in (0, 1), got ${lr}`);
  const hidden = list('hidden')?.map((u) => {
    const n = Number(u);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--hidden must be layer sizes like 64,32, got ${str('hidden')}`);
    return n;
  });
  const name = str('name') ?? str('model');
  if (name !== undefined && modelNameProblem(name)) throw new Error(`--name ${name}: ${modelNameProblem(name)}`);
  const path = str('csv');
  return {
    ...(path !== undefined
      ? {
          csv: {
            path,
            label: str('label')!,
            id: str('id'),
            drop: list('drop'),
            categorical: list('categorical'),
            task: oneOf<Task>('task', ['binary', 'multiclass', 'regression']),
            positive: str('positive'),
            delimiter: str('delimiter') === '\\t' ? '\t' : str('delimiter'),
            patience: int('patience', 1),
            classWeight: oneOf('class-weight', ['balanced', 'none'] as const),
            datasetDigest: str('dataset-digest'),
          },
        }
      : {}),
    epochs: int('epochs', 1),
    seed: int('seed', 0),
    dataSeed: int('demo-seed', 0),
    nSamples: int('samples', 50),
    hiddenUnits: hidden,
    learningRate: lr === undefined ? undefined : Number(lr),
    batchSize: int('batch-size', 1),
    backend: oneOf('backend', ['wasm', 'cpu'] as const),
    model: name,
    experiment: str('experiment'),
    register: values.register as boolean | undefined,
    promote: values.promote as boolean | undefined,
  };
}

async function main(): Promise<void> {
  let opts: TrainAndLogOptions | 'help';
  try {
    opts = parseTrainArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\nnpm run train -- --help lists the options`);
    process.exitCode = 2;
    return;
  }
  if (opts === 'help') {
    console.log(USAGE);
    return;
  }
  const client = new TrackerClient();
  try {
    const result = await trainAndLog(client, { ...opts, log: (line) => console.log(line) });
    console.log(`done: run ${result.runId}${result.version ? `, version ${result.version}` : ''} (${client.baseUrl})`);
  } catch (err) {
    console.error(`error: ${errorLine(err)}`);
    process.exitCode = 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main();
}
