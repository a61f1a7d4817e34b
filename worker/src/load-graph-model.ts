import { type GraphModel, loadGraphModel } from '@tensorflow/tfjs-converter';
import type { io } from '@tensorflow/tfjs-core';
import { type Signature, signatureWidth } from '../../contracts/index.ts';
import { outputUnitsOk } from './shape-output.ts';
import { tf } from './tfjs.ts';

/** A TFJS GraphModel checked against a signature, as `load-model.ts` serves it. */
export interface GraphRunner {
  /** Output units per instance (from the model.json signature, else from the warm-up). */
  units: number;
  /** True when the graph has control flow or dynamic ops and so runs with `executeAsync`. */
  async: boolean;
  /** Runs `n` preprocessed rows; sync (`execute`) unless `async`. */
  run(x: Float32Array, n: number): Float32Array | Promise<Float32Array>;
  dispose(): void;
}

interface NodeDef {
  name?: unknown;
  op?: unknown;
  input?: unknown;
}

/**
 * Loads a TFJS GraphModel (what `tensorflowjs_converter` writes from a SavedModel, Keras or a frozen
 * graph: model.json with `format: "graph-model"`, a GraphDef `modelTopology` and a `weightsManifest`)
 * through `handler` and checks it against `signature`: the GraphDef's nodes must all be defined and every
 * `Const` must have weights; exactly one float32 input of shape `[-1, inputs]` (or `[null, inputs]`) and
 * one output whose width fits the output kind. Runs one inference on `sample` (preprocessed), with
 * `model.execute`, or with `executeAsync` when the graph has control flow (`execute` refuses those), and
 * requires `units` finite numbers. Throws with a message fit for logs and `/health`; nothing is leaked then.
 */
export async function loadGraphRunner(
  handler: io.IOHandler,
  signature: Signature,
  sample: Float32Array,
): Promise<GraphRunner> {
  const artifacts = await handler.load!();
  checkGraphDef(artifacts);
  const model = await loadGraphModel({ load: async () => artifacts });
  try {
    const d = signatureWidth(signature);
    checkIo(model, d);
    const declared = declaredUnits(artifacts.signature, model.outputNodes[0]!);
    let runner = makeRunner(model, d, false);
    let warm: Float32Array;
    try {
      warm = runner.run(sample, 1) as Float32Array;
    } catch (error) {
      if (!(error instanceof Error) || !/executeAsync/.test(error.message)) throw error;
      runner = makeRunner(model, d, true);
      warm = await runner.run(sample, 1);
    }
    const units = warm.length;
    if (declared !== undefined && declared !== units) {
      throw new Error(`the graph's output gave ${units} values a row but model.json's signature declares ${declared}`);
    }
    if (!outputUnitsOk(signature.output, units)) {
      throw new Error(
        `the graph outputs ${units} values a row, which does not fit a ${signature.output.kind} signature`,
      );
    }
    if (!warm.every(Number.isFinite)) {
      throw new Error(`warm-up on signature.sample gave ${Array.from(warm).join(', ')}, not ${units} finite numbers`);
    }
    return { ...runner, units };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** Checks what `loadGraphModel` would otherwise trip over with an unhelpful TypeError. */
function checkGraphDef(artifacts: io.ModelArtifacts): void {
  const topology = artifacts.modelTopology as { node?: unknown } | undefined;
  if (!topology || typeof topology !== 'object' || !Array.isArray(topology.node) || topology.node.length === 0) {
    throw new Error('model.json of a graph model must have a GraphDef modelTopology with nodes');
  }
  const nodes = topology.node as NodeDef[];
  const names = new Set<string>();
  for (const node of nodes) {
    if (!node || typeof node.name !== 'string' || typeof node.op !== 'string') {
      throw new Error('model.json: every GraphDef node needs a string name and op');
    }
    names.add(node.name);
  }
  const weights = new Set((artifacts.weightSpecs ?? []).map((w) => w.name));
  for (const node of nodes) {
    const inputs = node.input ?? [];
    if (!Array.isArray(inputs)) throw new Error(`model.json: node "${node.name}" has a malformed input list`);
    for (const input of inputs) {
      // "^name" is a control dependency, "name:1" the second output of a node
      const source = typeof input === 'string' ? input.replace(/^\^/, '').split(':')[0]! : '';
      if (!names.has(source))
        throw new Error(`model.json: node "${node.name}" takes input "${String(input)}", which is not in the graph`);
    }
    if (node.op === 'Const' && !weights.has(node.name as string)) {
      throw new Error(`model.json: Const node "${node.name}" has no weights in the weightsManifest`);
    }
  }
}

function checkIo(model: GraphModel, d: number): void {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new Error(
      `the graph must have exactly one input and one output (it has ${model.inputs.length} and ${model.outputs.length})`,
    );
  }
  const input = model.inputs[0]!;
  const shape = input.shape;
  const batch = shape?.[0];
  if (shape?.length !== 2 || (batch !== -1 && batch !== null) || shape[1] !== d) {
    throw new Error(
      `the graph takes shape ${JSON.stringify(shape ?? 'unknown')} but the signature has ${d} inputs (want [-1, ${d}])`,
    );
  }
  if (input.dtype !== undefined && input.dtype !== 'float32') {
    throw new Error(`the graph's input is ${input.dtype}, not float32`);
  }
}

/** Output width from model.json's `signature.outputs` (converter output), if it says. */
function declaredUnits(signature: unknown, outputNode: string): number | undefined {
  const outputs = (
    signature as
      | { outputs?: Record<string, { name?: string; tensorShape?: { dim?: Array<{ size?: string | number }> } }> }
      | undefined
  )?.outputs;
  if (!outputs) return undefined;
  const entry = Object.entries(outputs).find(
    ([key, value]) => key === outputNode || value.name?.split(':')[0] === outputNode.split(':')[0],
  )?.[1];
  const dims = entry?.tensorShape?.dim;
  if (dims?.length !== 2) return undefined;
  const size = Number(dims[1]!.size);
  return size > 0 ? size : undefined;
}

type Runner = Omit<GraphRunner, 'units'>;

function makeRunner(model: GraphModel, d: number, async: boolean): Runner {
  if (!async) {
    return {
      async,
      run: (x, n) =>
        tf.tidy(() => {
          const y = model.execute(tf.tensor2d(x, [n, d]));
          return (Array.isArray(y) ? y[0]! : y).dataSync() as Float32Array;
        }),
      dispose: () => model.dispose(),
    };
  }
  // An executeAsync run spans awaits, so an eviction may land mid-run: dispose once the last run ends.
  let inflight = 0;
  let disposed = false;
  return {
    async,
    async run(x, n) {
      inflight++;
      const input = tf.tensor2d(x, [n, d]);
      try {
        const y = await model.executeAsync(input);
        const outputs = Array.isArray(y) ? y : [y];
        try {
          return (await outputs[0]!.data()) as Float32Array;
        } finally {
          for (const t of outputs) t.dispose();
        }
      } finally {
        input.dispose();
        if (--inflight === 0 && disposed) model.dispose();
      }
    },
    dispose() {
      disposed = true;
      if (inflight === 0) model.dispose();
    },
  };
}
