import type { io } from '@tensorflow/tfjs-core';
import { type LayersModel, loadLayersModel } from '@tensorflow/tfjs-layers';
import { type Pointer, SIGNATURE_FILE, Signature, signatureWidth } from '../../contracts/index.ts';
import { extractDenseNet } from './dense-net.ts';
import { buildInputSpec, type InputSpec, preprocess } from './input-spec.ts';
import { loadGraphRunner } from './load-graph-model.ts';
import { getText, r2IOHandler } from './r2-io-handler.ts';
import { outputUnitsOk } from './shape-output.ts';
import { type BackendPreference, tf, tfReady } from './tfjs.ts';

/**
 * Dense nets up to this many multiply-adds per row run as plain JS loops under `auto`: for them TFJS's
 * per-op overhead costs more than the arithmetic. Bigger ones run on the TFJS backend (WASM when it starts).
 */
export const DENSE_JS_MAX_MACS = 32_768;

/** A model version loaded, checked against its signature and warmed, ready to serve. */
export interface LoadedModel {
  name: string;
  version: string;
  signature: Signature;
  spec: InputSpec;
  /** Output units per instance. */
  units: number;
  /** Weight bytes held (what the per-isolate cache budgets). */
  bytes: number;
  /** What runs the model: `tfjs-cpu`, `dense-js` or `tfjs-wasm` (graph models: `tfjs-graph-cpu`/`-wasm`). */
  backend: string;
  /**
   * Runs `n` preprocessed rows through the model; returns `n` × `units` outputs. Synchronous except for
   * graph models with control flow (run with `executeAsync`).
   */
  run(x: Float32Array, n: number): Float32Array | Promise<Float32Array>;
  dispose(): void;
}

/**
 * Loads the version a pointer names from R2: `signature.json` (validated by `Signature`), then the TFJS
 * model its `format` names (a LayersModel, or a GraphModel via `loadGraphRunner`) through `r2IOHandler`; checks model.json against the pointer's sha256 and the model's input/output
 * shapes against the signature, and warms it with `signature.sample`. Throws (with a message fit for logs
 * and `/health`) if any of that fails; nothing is leaked then.
 */
export async function loadModel(
  bucket: R2Bucket,
  pointer: Pick<Pointer, 'model' | 'version' | 'artifacts'> & { modelJsonSha256?: string },
  preference: BackendPreference = 'auto',
): Promise<LoadedModel> {
  const tfBackend = await tfReady(preference);
  const signature = await readSignature(bucket, pointer.artifacts);
  const handler = r2IOHandler(bucket, pointer.artifacts, MODEL_FORMATS[signature.format]);
  const checkSha = () => {
    if (pointer.modelJsonSha256 && handler.info!.modelJsonSha256 !== pointer.modelJsonSha256) {
      throw new Error('model.json does not match the sha256 recorded at promotion');
    }
  };
  const spec = buildInputSpec(signature);
  const loaded = { name: pointer.model, version: pointer.version, signature, spec };
  if (signature.format === 'tfjs-graph') {
    // checked before the graph is built: a changed model.json never runs
    const graph = await loadGraphRunner(shaChecked(handler, checkSha), signature, preprocess(spec, signature.sample));
    return {
      ...loaded,
      units: graph.units,
      bytes: handler.info!.weightBytes,
      backend: `tfjs-graph-${tfBackend}`,
      run: graph.run,
      dispose: graph.dispose,
    };
  }
  const model = await loadLayersModel(handler);
  try {
    checkSha();
    const { d, units } = checkShapes(model, signature);
    const viaTfjs = (x: Float32Array, n: number): Float32Array =>
      tf.tidy(() => (model.predict(tf.tensor2d(x, [n, d])) as tf.Tensor).dataSync() as Float32Array);
    const { run, backend } = chooseRunner(
      model,
      viaTfjs,
      `tfjs-${tfBackend}`,
      d,
      preference,
      `${pointer.model}@${pointer.version}`,
    );
    const warm = run(preprocess(spec, signature.sample), 1);
    if (warm.length !== units || !warm.every(Number.isFinite)) {
      throw new Error(`warm-up on signature.sample gave ${Array.from(warm).join(', ')}, not ${units} finite numbers`);
    }
    return { ...loaded, units, bytes: handler.info!.weightBytes, backend, run, dispose: () => model.dispose() };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** The model.json `format` each signature format needs. */
const MODEL_FORMATS = { 'tfjs-layers': 'layers-model', 'tfjs-graph': 'graph-model' } as const;

/** `handler`, with `check` run once its model.json was read (before any weight is decoded into tensors). */
function shaChecked(handler: io.IOHandler, check: () => void): io.IOHandler {
  return {
    async load() {
      const artifacts = await handler.load!();
      check();
      return artifacts;
    },
  };
}

async function readSignature(bucket: R2Bucket, prefix: string): Promise<Signature> {
  const text = await getText(bucket, prefix + SIGNATURE_FILE);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${SIGNATURE_FILE} is not valid JSON`);
  }
  const parsed = Signature.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `${SIGNATURE_FILE} is invalid: ${issue?.path.join('.') || 'signature'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

function checkShapes(model: LayersModel, signature: Signature): { d: number; units: number } {
  const d = signatureWidth(signature);
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new Error('the model must have exactly one input and one output tensor');
  }
  const inShape = model.inputs[0]!.shape;
  const outShape = model.outputs[0]!.shape;
  if (inShape.length !== 2 || inShape[1] !== d) {
    throw new Error(
      `the model takes shape ${JSON.stringify(inShape)} but the signature has ${describeWidth(signature)}`,
    );
  }
  const units = outShape[1];
  if (outShape.length !== 2 || typeof units !== 'number' || !outputUnitsOk(signature.output, units)) {
    throw new Error(
      `the model outputs shape ${JSON.stringify(outShape)}, which does not fit a ${signature.output.kind} signature`,
    );
  }
  return { d, units };
}

// what a signature's inputs make: "3 inputs", or "3 inputs (7 columns one-hot encoded)"
function describeWidth(signature: Signature): string {
  const n = signature.inputs.length;
  const d = signatureWidth(signature);
  return `${n} inputs${d === n ? '' : ` (${d} columns one-hot encoded)`}`;
}

type Run = (x: Float32Array, n: number) => Float32Array;

/**
 * Picks what runs a model: the plain-JS dense path (`dense-js`) for a straight chain of dense layers when
 * `preference` is `js`, or `auto` and the net is small (`DENSE_JS_MAX_MACS`); TFJS otherwise. The dense
 * path is used only if it agrees with `model.predict` within 1e-5 on a few probe rows.
 */
function chooseRunner(
  model: LayersModel,
  viaTfjs: Run,
  tfjsName: string,
  d: number,
  preference: BackendPreference,
  what: string,
): { run: Run; backend: string } {
  const fallback = { run: viaTfjs, backend: tfjsName };
  if (preference === 'cpu' || preference === 'wasm') return fallback;
  const dense = extractDenseNet(model);
  if (!dense || (preference === 'auto' && dense.macsPerRow > DENSE_JS_MAX_MACS)) return fallback;
  const rows = 4;
  const probe = new Float32Array(rows * d);
  for (let i = 0; i < probe.length; i++) probe[i] = Math.sin(i * 12.9898) * 2;
  const want = viaTfjs(probe, rows);
  const got = dense.run(probe, rows);
  const worst = maxDiff(want, got);
  if (!(worst <= 1e-5)) {
    console.warn(`edgeflow: the dense JS path of ${what} differs from tfjs by ${worst}; using tfjs`);
    return fallback;
  }
  return { run: dense.run, backend: 'dense-js' };
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(a[i]!)));
  return worst;
}
