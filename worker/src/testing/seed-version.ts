import { env } from 'cloudflare:workers';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  MODEL_JSON_FILE,
  type Pointer,
  pointerKey,
  SIGNATURE_FILE,
  type Signature,
  sha256Hex,
  signatureWidth,
  versionPrefix,
} from '../../../contracts/index.ts';
import { buildInputSpec, preprocess } from '../input-spec.ts';
import { tf, tfReady } from '../tfjs.ts';
import {
  buildGraphModel,
  type FixtureLayer,
  type GraphFixtureOptions,
  referenceForward,
} from './graph-model-fixture.ts';

/** Name of the single weight shard seeded versions use. */
export const SHARD = 'group1-shard1of1.bin';

/** What `seedVersion` builds. */
export interface SeedOptions {
  model: string;
  version: string;
  kind?: Signature['output']['kind'];
  inputs?: number;
  classes?: number;
  standardize?: boolean;
  /** The signature's inputs (numeric or categorical; `inputs` is ignored then) and a sample for them. */
  signatureInputs?: { inputs: Signature['inputs']; sample: Signature['sample'] };
}

/** A version seeded into R2: the in-test TFJS model and what was stored for it. */
export interface SeededVersion {
  tfModel: LayersModel;
  signature: Signature;
  pointer: Pointer;
  /** Runs the in-test model on `raw` features after the signature's preprocessing. */
  expected(raw: readonly (number | string | null)[]): Float32Array;
}

/** A unique model name per call, so tests never see each other's per-isolate caches. */
export function uniqueModel(prefix = 'm'): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}

/**
 * Builds a tiny TFJS layers model of the given output kind, saves it with a custom IOHandler into
 * `env.MODELS` under `models/<model>/<version>/` (model.json, one .bin shard, signature.json) and returns
 * the pointer that would promote it (not written: see `putPointer`).
 */
export async function seedVersion(options: SeedOptions): Promise<SeededVersion> {
  await tfReady();
  const { model: name, version, kind = 'binary', classes = 3, standardize = true, signatureInputs } = options;
  const inputs = signatureInputs?.inputs.length ?? options.inputs ?? 4;
  const width = signatureInputs ? signatureWidth(signatureInputs) : inputs;
  const units = kind === 'multiclass' ? classes : 1;
  const tfModel = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [width], units: 8, activation: 'relu' }),
      tfl.layers.dense({
        units,
        activation: kind === 'binary' ? 'sigmoid' : kind === 'multiclass' ? 'softmax' : 'linear',
      }),
    ],
  });
  const isCategorical = (i: number) => signatureInputs?.inputs[i]?.dtype === 'string';
  const output: Signature['output'] =
    kind === 'binary'
      ? { kind, threshold: 0.5, labels: ['legit', 'fraud'] }
      : kind === 'multiclass'
        ? { kind, labels: Array.from({ length: classes }, (_, i) => `class-${i}`) }
        : { kind };
  const signature: Signature = {
    inputs:
      signatureInputs?.inputs ??
      Array.from({ length: inputs }, (_, i) => ({ name: `f${i}`, dtype: 'float32' as const })),
    ...(standardize
      ? {
          preprocess: {
            standardize: {
              mean: Array.from({ length: inputs }, (_, i) => (isCategorical(i) ? 0 : i * 0.5 - 1)),
              std: Array.from({ length: inputs }, (_, i) => (isCategorical(i) ? 1 : 1 + i * 0.25)),
            },
          },
        }
      : {}),
    output,
    format: 'tfjs-layers',
    sample: signatureInputs?.sample ?? Array.from({ length: inputs }, (_, i) => i * 0.1),
  };
  const prefix = versionPrefix(name, version);
  let modelJsonSha256 = '';
  await tfModel.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = tf.io.concatenateArrayBuffers(artifacts.weightData!);
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [SHARD], weights: artifacts.weightSpecs! }],
      };
      const text = JSON.stringify(modelJson);
      modelJsonSha256 = await sha256Hex(text);
      await env.MODELS.put(prefix + MODEL_JSON_FILE, text);
      await env.MODELS.put(prefix + SHARD, weightData);
      await env.MODELS.put(prefix + SIGNATURE_FILE, JSON.stringify(signature));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const pointer: Pointer = {
    model: name,
    version,
    artifacts: prefix,
    modelJsonSha256,
    promotedAt: new Date().toISOString(),
  };
  const spec = buildInputSpec(signature);
  return {
    tfModel,
    signature,
    pointer,
    expected(raw) {
      const x = preprocess(spec, raw);
      return tf.tidy(() => (tfModel.predict(tf.tensor2d(x, [1, width])) as tf.Tensor).dataSync() as Float32Array);
    },
  };
}

/** What `seedGraphVersion` builds: a graph model (see `buildGraphModel`) and its signature. */
export interface GraphSeedOptions extends GraphFixtureOptions {
  model: string;
  version: string;
  /** Defaults to `binary` for one output unit, `multiclass` for more. */
  output?: Signature['output'];
  /** Standardization `mean`/`std` per input. */
  standardize?: { mean: number[]; std: number[] };
}

/** A graph-model version seeded into R2. */
export interface SeededGraphVersion {
  /** The layers as stored (after quantization, if any). */
  layers: FixtureLayer[];
  signature: Signature;
  pointer: Pointer;
  /** The plain-JS forward pass (`referenceForward`) on `raw` after the signature's standardization (on the weights as stored). */
  expected(raw: number[]): number[];
}

/**
 * Stores a TFJS GraphModel version under `models/<model>/<version>/`: model.json and the weight shard as
 * `buildGraphModel` writes them, and a `format: "tfjs-graph"` signature.json. Returns the pointer that
 * would promote it (not written: see `putPointer`).
 */
export async function seedGraphVersion(options: GraphSeedOptions): Promise<SeededGraphVersion> {
  const { model: name, version, layers, standardize } = options;
  const inputs = layers[0]!.kernel.length;
  const units = layers[layers.length - 1]!.bias.length;
  const output: Signature['output'] =
    options.output ??
    (units === 1
      ? { kind: 'binary', threshold: 0.5, labels: ['legit', 'fraud'] }
      : { kind: 'multiclass', labels: Array.from({ length: units }, (_, i) => `class-${i}`) });
  const signature: Signature = {
    inputs: Array.from({ length: inputs }, (_, i) => ({ name: `f${i}`, dtype: 'float32' as const })),
    ...(standardize ? { preprocess: { standardize } } : {}),
    output,
    format: 'tfjs-graph',
    sample: Array.from({ length: inputs }, (_, i) => i * 0.1),
  };
  const fixture = buildGraphModel({ ...options, shard: SHARD });
  const prefix = versionPrefix(name, version);
  const text = JSON.stringify(fixture.modelJson);
  await env.MODELS.put(prefix + MODEL_JSON_FILE, text);
  await env.MODELS.put(prefix + SHARD, fixture.weights);
  await env.MODELS.put(prefix + SIGNATURE_FILE, JSON.stringify(signature));
  const pointer: Pointer = {
    model: name,
    version,
    artifacts: prefix,
    modelJsonSha256: await sha256Hex(text),
    promotedAt: new Date().toISOString(),
  };
  return {
    layers: fixture.layers,
    signature,
    pointer,
    expected: (raw) =>
      referenceForward(
        fixture.layers,
        raw.map((v, i) => (standardize ? (v - standardize.mean[i]!) / standardize.std[i]! : v)),
      ),
  };
}

/** Writes `pointer` as the model's KV pointer (what promotion does). */
export async function putPointer(pointer: Pointer | string, model?: string): Promise<void> {
  const key = pointerKey(model ?? (pointer as Pointer).model);
  await env.POINTERS.put(key, typeof pointer === 'string' ? pointer : JSON.stringify(pointer));
}
