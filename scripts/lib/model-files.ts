import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { MODEL_JSON_FILE, SIGNATURE_FILE, Signature } from '../../contracts/index.ts';
import { buildInputSpec, preprocess } from '../../worker/src/input-spec.ts';
import type { Standardizer } from './standardize.ts';

/** A model version's files by name: `model.json`, its weight shard(s), `signature.json`. */
export type ModelFiles = Record<string, Uint8Array>;

/** The one weight shard `modelToFiles` writes, named like tfjs-converter's output. */
export const WEIGHTS_FILE = 'group1-shard1of1.bin';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** MIME type to store a model file with. */
export function contentTypeOf(name: string): string {
  return name.endsWith('.json') ? 'application/json' : 'application/octet-stream';
}

/** Options of `buildSignature`. */
export interface SignatureOptions {
  standardizer: Standardizer;
  /** One real (raw, unstandardized) input row. */
  sample: number[];
  /** Input names; default f0, f1, …. */
  featureNames?: string[];
  threshold?: number;
  labels?: [string, string];
}

/** The `signature.json` of a binary tfjs-layers classifier over float32 features, validated by the contract. */
export function buildSignature({
  standardizer,
  sample,
  featureNames = standardizer.mean.map((_, i) => `f${i}`),
  threshold = 0.5,
  labels = ['legit', 'fraud'],
}: SignatureOptions): Signature {
  return Signature.parse({
    inputs: featureNames.map((name) => ({ name, dtype: 'float32' })),
    preprocess: { standardize: { mean: standardizer.mean, std: standardizer.std } },
    output: { kind: 'binary', threshold, labels },
    format: 'tfjs-layers',
    sample,
  });
}

/**
 * Serialize a trained model and its signature into a version's files. `model.json` is what tfjs's own
 * `tf.io` handlers write (`modelTopology`, `format`, `generatedBy`, `convertedBy`, `weightsManifest`)
 * with every weight in one shard, `group1-shard1of1.bin`.
 */
export async function modelToFiles(model: tfl.LayersModel, signature: Signature): Promise<ModelFiles> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!artifacts?.weightSpecs || !artifacts.weightData) throw new Error('tfjs saved a model without weights');
  // Same object as tfjs-core's getModelJSONForModelArtifacts (not exported).
  const modelJson: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology as tf.io.ModelJSON['modelTopology'],
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs }],
  };
  if (artifacts.userDefinedMetadata != null) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
  if (artifacts.trainingConfig != null) modelJson.trainingConfig = artifacts.trainingConfig;
  return {
    [MODEL_JSON_FILE]: encoder.encode(JSON.stringify(modelJson)),
    [WEIGHTS_FILE]: new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData)),
    [SIGNATURE_FILE]: encoder.encode(JSON.stringify(Signature.parse(signature), null, 2)),
  };
}

/** The parsed `model.json` of a version's files. */
export function readModelJson(files: ModelFiles): tf.io.ModelJSON {
  const bytes = files[MODEL_JSON_FILE];
  if (!bytes) throw new Error(`missing ${MODEL_JSON_FILE}`);
  const json = JSON.parse(decoder.decode(bytes)) as tf.io.ModelJSON;
  if (json.format !== 'layers-model' || json.modelTopology == null) {
    throw new Error(`${MODEL_JSON_FILE} is not a tfjs layers model`);
  }
  return json;
}

/** The weight shard names `model.json` refers to (relative paths, `./` stripped). */
export function weightPaths(modelJson: tf.io.ModelJSON): string[] {
  return (modelJson.weightsManifest ?? []).flatMap((group) => group.paths.map((p) => p.replace(/^\.\//, '')));
}

/** The signature of a version's files, validated by the contract. */
export function readSignature(files: ModelFiles): Signature {
  const bytes = files[SIGNATURE_FILE];
  if (!bytes) throw new Error(`missing ${SIGNATURE_FILE}`);
  return Signature.parse(JSON.parse(decoder.decode(bytes)));
}

/** Load a tfjs layers model from a version's files (model.json + the shards it names). */
export async function loadModelFromFiles(files: ModelFiles): Promise<tfl.LayersModel> {
  const modelJson = readModelJson(files);
  const artifacts = await tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
    const specs: tf.io.WeightsManifestEntry[] = [];
    const buffers: ArrayBuffer[] = [];
    for (const group of manifest) {
      specs.push(...group.weights);
      for (const path of group.paths) {
        const name = path.replace(/^\.\//, '');
        const shard = files[name];
        if (!shard) throw new Error(`missing weight shard ${name}`);
        buffers.push(shard.slice().buffer as ArrayBuffer);
      }
    }
    return [specs, tf.io.concatenateArrayBuffers(buffers)];
  });
  return tfl.loadLayersModel(tf.io.fromMemory(artifacts));
}

/**
 * Node-side inference as the worker does it (its own `preprocess`): standardize raw rows with the
 * signature's mean/std, one-hot its categorical inputs, run the model, return its outputs row after row
 * (the probability for a binary model).
 */
export async function predictWithSignature(
  model: tfl.LayersModel,
  signature: Signature,
  rows: readonly (readonly (number | string | null)[])[],
): Promise<number[]> {
  const spec = buildInputSpec(signature);
  const width = signature.inputs.length;
  for (const row of rows) {
    if (row.length !== width) throw new RangeError(`expected ${width} features, got ${row.length}`);
  }
  const input = rows.map((row) => Array.from(preprocess(spec, row)));
  const out = tf.tidy(() => model.predict(tf.tensor2d(input, [input.length, spec.width], 'float32')) as tf.Tensor);
  try {
    return Array.from(await out.data());
  } finally {
    out.dispose();
  }
}

/** Write a version's files into `dir` (created if needed). */
export async function writeModelFiles(dir: string, files: ModelFiles): Promise<void> {
  await mkdir(dir, { recursive: true });
  await Promise.all(Object.entries(files).map(([name, bytes]) => writeFile(join(dir, name), bytes)));
}

/** Read a version's files from `dir`: model.json, the shards it names, and signature.json. */
export async function readModelFiles(dir: string): Promise<ModelFiles> {
  const files: ModelFiles = { [MODEL_JSON_FILE]: new Uint8Array(await readFile(join(dir, MODEL_JSON_FILE))) };
  for (const name of [...weightPaths(readModelJson(files)), SIGNATURE_FILE]) {
    if (/[\\/]/.test(name) || name === '..') throw new Error(`refusing weight path outside ${dir}: ${name}`);
    files[name] = new Uint8Array(await readFile(join(dir, name)));
  }
  return files;
}
