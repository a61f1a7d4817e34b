/** Activations a fixture layer may use (TF op names `Relu`, `Sigmoid`, `Softmax`, `Tanh`, or none). */
export type FixtureActivation = 'linear' | 'relu' | 'sigmoid' | 'softmax' | 'tanh';

/** One dense layer of a fixture graph: `kernel` is row-major `inputs` × `units`. */
export interface FixtureLayer {
  kernel: number[][];
  bias: number[];
  activation: FixtureActivation;
}

/** How `buildGraphModel` writes the graph. */
export interface GraphFixtureOptions {
  layers: FixtureLayer[];
  /**
   * `plain`: Placeholder → MatMul → BiasAdd → activation per layer, no model.json signature (what a frozen
   * TF1 graph converts to). `converter`: what `tensorflowjs_converter --input_format=tf_saved_model` writes
   * for a Keras Sequential — `_FusedMatMul` nodes (fused BiasAdd/Relu), separate Sigmoid/Softmax/Tanh, an
   * `Identity` output, `StatefulPartitionedCall/...` names and a `signature` in model.json.
   */
  style?: 'plain' | 'converter';
  /** Routes the first hidden layer's output through a `tf.cond` (Switch/Merge on a constant true predicate). */
  controlFlow?: boolean;
  /** Name of the weight shard the manifest names. */
  shard?: string;
  /** `uint8`: store every float weight with 1-byte affine quantization (`--quantize_uint8`). */
  quantize?: 'uint8';
}

/** model.json and its one weight shard, as `tensorflowjs_converter` writes them. */
export interface GraphFixture {
  modelJson: {
    format: 'graph-model';
    generatedBy: string;
    convertedBy: string;
    signature?: unknown;
    modelTopology: { node: GraphNode[]; library: object; versions: { producer: number } };
    weightsManifest: Array<{ paths: string[]; weights: WeightEntry[] }>;
  };
  weights: ArrayBuffer;
  /** The layers as the shard holds them (after quantization): what a correct execution computes with. */
  layers: FixtureLayer[];
}

interface WeightEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: 'uint8'; scale: number; min: number };
}

/** A GraphDef node in the JSON form the converter writes (protobuf JSON: int64 as strings, bytes as base64). */
export interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, unknown>;
  device?: string;
}

const T = { type: 'DT_FLOAT' };
const dims = (shape: number[]) => ({ dim: shape.map((size) => ({ size: String(size) })) });
const b64 = (text: string) => btoa(text);
const TF_OP: Record<Exclude<FixtureActivation, 'linear'>, string> = {
  relu: 'Relu',
  sigmoid: 'Sigmoid',
  softmax: 'Softmax',
  tanh: 'Tanh',
};

/**
 * Writes a dense net as a TFJS GraphModel: the GraphDef JSON, `weightsManifest` and the float32 weights
 * (little-endian, in manifest order) — the files `tensorflowjs_converter` produces, for tests that cannot
 * run the Python converter.
 */
export function buildGraphModel(options: GraphFixtureOptions): GraphFixture {
  const { style = 'plain', controlFlow = false, shard = 'group1-shard1of1.bin', quantize } = options;
  const source = options.layers;
  const inputs = source[0]!.kernel.length;
  const nodes: GraphNode[] = [];
  const manifest: WeightEntry[] = [];
  const chunks: Uint8Array[] = [];
  const constant = (name: string, shape: number[], values: number[], dtype: 'float32' | 'bool' = 'float32') => {
    nodes.push({
      name,
      op: 'Const',
      attr: {
        value: { tensor: { dtype: dtype === 'bool' ? 'DT_BOOL' : 'DT_FLOAT', tensorShape: dims(shape) } },
        dtype: { type: dtype === 'bool' ? 'DT_BOOL' : 'DT_FLOAT' },
      },
    });
    if (quantize && dtype === 'float32') {
      const { min, scale, q } = affine(values);
      manifest.push({ name, shape, dtype, quantization: { dtype: 'uint8', scale, min } });
      chunks.push(q);
      return;
    }
    manifest.push({ name, shape, dtype });
    chunks.push(dtype === 'bool' ? Uint8Array.from(values) : new Uint8Array(Float32Array.from(values).buffer));
  };
  const converter = style === 'converter';
  const input = converter ? 'serving_default_dense_input' : 'x';
  nodes.push({ name: input, op: 'Placeholder', attr: { dtype: T, shape: { shape: dims([-1, inputs]) } } });
  let previous = input;
  source.forEach((layer, i) => {
    const units = layer.bias.length;
    const scope = converter ? `StatefulPartitionedCall/sequential/dense${i ? `_${i}` : ''}` : `dense_${i}`;
    const kernel = converter ? `${scope}/MatMul/ReadVariableOp` : `${scope}/kernel`;
    const bias = converter ? `${scope}/BiasAdd/ReadVariableOp` : `${scope}/bias`;
    constant(kernel, [layer.kernel.length, units], layer.kernel.flat());
    constant(bias, [units], layer.bias);
    const matmul = { transpose_a: { b: false }, transpose_b: { b: false }, T };
    if (converter) {
      const fuseRelu = layer.activation === 'relu';
      const name = fuseRelu ? `${scope}/Relu` : `${scope}/BiasAdd`;
      nodes.push({
        name,
        op: '_FusedMatMul',
        input: [previous, kernel, bias],
        device: '/device:CPU:0',
        attr: {
          ...matmul,
          num_args: { i: '1' },
          epsilon: { f: 0 },
          leakyrelu_alpha: { f: 0.2 },
          fused_ops: { list: { s: fuseRelu ? [b64('BiasAdd'), b64('Relu')] : [b64('BiasAdd')] } },
        },
      });
      previous = name;
      if (!fuseRelu && layer.activation !== 'linear') {
        const op = TF_OP[layer.activation];
        nodes.push({ name: `${scope}/${op}`, op, input: [previous], attr: { T } });
        previous = `${scope}/${op}`;
      }
    } else {
      nodes.push({ name: `${scope}/MatMul`, op: 'MatMul', input: [previous, kernel], attr: matmul });
      nodes.push({
        name: `${scope}/BiasAdd`,
        op: 'BiasAdd',
        input: [`${scope}/MatMul`, bias],
        attr: { T, data_format: { s: b64('NHWC') } },
      });
      previous = `${scope}/BiasAdd`;
      if (layer.activation !== 'linear') {
        const op = TF_OP[layer.activation];
        nodes.push({ name: `${scope}/${op}`, op, input: [previous], attr: { T } });
        previous = `${scope}/${op}`;
      }
    }
    if (controlFlow && i === 0) {
      // tf.cond(pred, lambda: h, lambda: -h) with pred a constant true
      constant('cond/pred', [], [1], 'bool');
      nodes.push({ name: 'cond/Switch', op: 'Switch', input: [previous, 'cond/pred'], attr: { T } });
      nodes.push({ name: 'cond/then', op: 'Identity', input: ['cond/Switch:1'], attr: { T } });
      nodes.push({ name: 'cond/else', op: 'Neg', input: ['cond/Switch'], attr: { T } });
      nodes.push({ name: 'cond/Merge', op: 'Merge', input: ['cond/else', 'cond/then'], attr: { T, N: { i: '2' } } });
      previous = 'cond/Merge';
    }
  });
  const units = source[source.length - 1]!.bias.length;
  let signature: unknown;
  if (converter) {
    nodes.push({ name: 'Identity', op: 'Identity', input: [previous], attr: { T } });
    signature = {
      inputs: { dense_input: { name: `${input}:0`, dtype: 'DT_FLOAT', tensorShape: dims([-1, inputs]) } },
      outputs: {
        [`dense_${source.length - 1}`]: { name: 'Identity:0', dtype: 'DT_FLOAT', tensorShape: dims([-1, units]) },
      },
    };
  }
  const total = chunks.reduce((sum, c) => sum + c.byteLength, 0);
  const weights = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    weights.set(chunk, at);
    at += chunk.byteLength;
  }
  return {
    modelJson: {
      format: 'graph-model',
      generatedBy: '2.15.0',
      convertedBy: 'TensorFlow.js Converter v4.22.0',
      ...(signature ? { signature } : {}),
      modelTopology: { node: nodes, library: {}, versions: { producer: 1645 } },
      weightsManifest: [{ paths: [shard], weights: manifest }],
    },
    weights: weights.buffer,
    layers: quantize ? source.map(quantizedLayer) : source,
  };
}

/** 1-byte affine quantization as the converter does it: value ≈ q * scale + min, q in 0..255. */
function affine(values: number[]): { min: number; scale: number; q: Uint8Array } {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const scale = max > min ? (max - min) / 255 : 1;
  return { min, scale, q: Uint8Array.from(values, (v) => Math.round((v - min) / scale)) };
}

/** What `values` read back as after `affine` (tfjs: float32 of q * scale + min). */
function quantized(values: number[]): number[] {
  const { min, scale, q } = affine(values);
  return Array.from(q, (v) => Math.fround(v * scale + min));
}

/** A layer as it reads back after quantizing its kernel (as one tensor) and its bias. */
function quantizedLayer(layer: FixtureLayer): FixtureLayer {
  const units = layer.bias.length;
  const flat = quantized(layer.kernel.flat());
  return {
    ...layer,
    kernel: layer.kernel.map((_, i) => flat.slice(i * units, (i + 1) * units)),
    bias: quantized(layer.bias),
  };
}

/** Deterministic pseudo-random dense layers (`sizes` = [inputs, hidden..., outputs]), weights in [-1, 1). */
export function randomLayers(sizes: number[], activations: FixtureActivation[], seed = 1): FixtureLayer[] {
  let state = seed >>> 0 || 1;
  const next = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  };
  return activations.map((activation, i) => ({
    kernel: Array.from({ length: sizes[i]! }, () => Array.from({ length: sizes[i + 1]! }, next)),
    bias: Array.from({ length: sizes[i + 1]! }, () => next() * 0.5),
    activation,
  }));
}

/**
 * The reference forward pass of `layers` on one row, in plain JS (float64, on the float32-rounded
 * weights the .bin holds): what a correct graph execution must give.
 */
export function referenceForward(layers: FixtureLayer[], x: readonly number[]): number[] {
  let h = x.map(Math.fround);
  for (const layer of layers) {
    const units = layer.bias.length;
    const z = Array.from({ length: units }, (_, j) => {
      let sum = Math.fround(layer.bias[j]!);
      for (let i = 0; i < h.length; i++) sum += h[i]! * Math.fround(layer.kernel[i]![j]!);
      return sum;
    });
    h = activate(z, layer.activation);
  }
  return h;
}

function activate(z: number[], activation: FixtureActivation): number[] {
  switch (activation) {
    case 'linear':
      return z;
    case 'relu':
      return z.map((v) => Math.max(0, v));
    case 'sigmoid':
      return z.map((v) => 1 / (1 + Math.exp(-v)));
    case 'tanh':
      return z.map(Math.tanh);
    case 'softmax': {
      const max = Math.max(...z);
      const e = z.map((v) => Math.exp(v - max));
      const total = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / total);
    }
  }
}
