import type { LayersModel } from '@tensorflow/tfjs-layers';

/** Activations the plain-JS dense path implements (as tfjs computes them). */
const ACTIVATIONS = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'softmax'] as const;
type Activation = (typeof ACTIVATIONS)[number];

interface DenseLayer {
  inputs: number;
  units: number;
  /** Row-major `inputs` × `units` (tfjs's kernel layout). */
  kernel: Float32Array;
  bias: Float32Array | null;
  activation: Activation;
}

/** A stack of dense layers run as plain loops over Float32Arrays: no tensors, no engine bookkeeping. */
export interface DenseNet {
  layers: number;
  /** Multiply-adds per input row. */
  macsPerRow: number;
  run(x: Float32Array, n: number): Float32Array;
}

/**
 * Extracts a plain-JS forward pass from a TFJS LayersModel that is a straight chain of `Dense` layers
 * (plus `InputLayer`, `Dropout` — inert at inference — and `Activation` layers) with activations in
 * linear/relu/relu6/sigmoid/tanh/softmax. Returns null for anything else, which then runs through tfjs.
 * Weights are copied out once; the caller checks the result against `model.predict`.
 */
export function extractDenseNet(model: LayersModel): DenseNet | null {
  const layers: DenseLayer[] = [];
  let previous: unknown = null;
  for (const layer of model.layers) {
    const nodes = layer.inboundNodes;
    const className = layer.getClassName();
    if (className !== 'InputLayer') {
      // a straight chain: one call of each layer, fed by the layer before it
      if (nodes.length !== 1 || nodes[0]!.inboundLayers.length !== 1) return null;
      if (previous !== null && nodes[0]!.inboundLayers[0] !== previous) return null;
    }
    previous = layer;
    if (className === 'InputLayer' || className === 'Dropout') continue;
    const config = layer.getConfig() as { activation?: string; useBias?: boolean };
    const activation = (config.activation ?? 'linear') as Activation;
    if (!ACTIVATIONS.includes(activation)) return null;
    if (className === 'Activation') {
      const last = layers[layers.length - 1];
      if (last?.activation !== 'linear') return null;
      last.activation = activation;
      continue;
    }
    if (className !== 'Dense') return null;
    const weights = layer.getWeights();
    const kernel = weights[0];
    if (kernel?.shape.length !== 2 || weights.length > 2) return null;
    const [inputs, units] = kernel.shape as [number, number];
    if (layers.length && layers[layers.length - 1]!.units !== inputs) return null;
    layers.push({
      inputs,
      units,
      kernel: kernel.dataSync() as Float32Array,
      bias: weights[1] ? (weights[1].dataSync() as Float32Array) : null,
      activation,
    });
  }
  if (layers.length === 0) return null;
  const widest = Math.max(...layers.map((l) => l.units));
  return {
    layers: layers.length,
    macsPerRow: layers.reduce((sum, l) => sum + l.inputs * l.units, 0),
    run(x, n) {
      let input = x;
      for (const layer of layers) input = forward(layer, input, n, widest);
      return input;
    },
  };
}

const acc = { buffer: new Float64Array(0) };

function forward(layer: DenseLayer, x: Float32Array, n: number, widest: number): Float32Array {
  const { inputs, units, kernel, bias, activation } = layer;
  const out = new Float32Array(n * units);
  if (acc.buffer.length < widest) acc.buffer = new Float64Array(widest);
  const sum = acc.buffer;
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < units; j++) sum[j] = 0;
    const xr = r * inputs;
    for (let i = 0; i < inputs; i++) {
      const xi = x[xr + i]!;
      if (xi === 0) continue;
      const ki = i * units;
      for (let j = 0; j < units; j++) sum[j]! += xi * kernel[ki + j]!;
    }
    const o = r * units;
    for (let j = 0; j < units; j++) out[o + j] = sum[j]! + (bias ? bias[j]! : 0);
    activate(out, o, units, activation);
  }
  return out;
}

function activate(y: Float32Array, at: number, units: number, activation: Activation): void {
  const end = at + units;
  switch (activation) {
    case 'linear':
      return;
    case 'relu':
      for (let j = at; j < end; j++) if (y[j]! < 0) y[j] = 0;
      return;
    case 'relu6':
      for (let j = at; j < end; j++) y[j] = Math.min(6, Math.max(0, y[j]!));
      return;
    case 'sigmoid':
      for (let j = at; j < end; j++) y[j] = 1 / (1 + Math.exp(-y[j]!));
      return;
    case 'tanh':
      for (let j = at; j < end; j++) y[j] = Math.tanh(y[j]!);
      return;
    case 'softmax': {
      let max = -Infinity;
      for (let j = at; j < end; j++) if (y[j]! > max) max = y[j]!;
      let total = 0;
      for (let j = at; j < end; j++) total += y[j] = Math.exp(y[j]! - max);
      for (let j = at; j < end; j++) y[j]! /= total;
      return;
    }
  }
}
