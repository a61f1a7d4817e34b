import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { MODEL_JSON_FILE, type Pointer, type Signature, versionPrefix } from '../../contracts/index.ts';
import { type ModelFiles, modelToFiles } from '../lib/model-files.ts';

/** A bench model: its files, the pointer that promotes it, and a valid input row. */
export interface BenchModel {
  name: string;
  version: string;
  files: ModelFiles;
  pointer: Pointer;
  inputs: number;
  row: number[];
}

/**
 * A dense MLP `[inputs, ...hidden, outputs]` with random (seeded) weights: relu hidden layers, a sigmoid
 * output for 1 unit (binary) or softmax otherwise (multiclass), standardized inputs.
 */
export async function buildBenchModel(
  name: string,
  version: string,
  units: number[],
  seed: number,
): Promise<BenchModel> {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  const [inputs, ...rest] = units as [number, ...number[]];
  const outputs = rest[rest.length - 1]!;
  const model = tfl.sequential();
  rest.forEach((n, i) =>
    model.add(
      tfl.layers.dense({
        ...(i === 0 ? { inputShape: [inputs] } : {}),
        units: n,
        activation: i < rest.length - 1 ? 'relu' : outputs === 1 ? 'sigmoid' : 'softmax',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + i }),
        biasInitializer: tfl.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: seed + 100 + i }),
      }),
    ),
  );
  const signature: Signature = {
    inputs: Array.from({ length: inputs }, (_, i) => ({ name: `f${i}`, dtype: 'float32' as const })),
    preprocess: {
      standardize: {
        mean: Array.from({ length: inputs }, (_, i) => (i % 7) * 0.1),
        std: Array.from({ length: inputs }, (_, i) => 1 + (i % 5) * 0.2),
      },
    },
    output:
      outputs === 1
        ? { kind: 'binary', threshold: 0.5, labels: ['legit', 'fraud'] }
        : { kind: 'multiclass', labels: Array.from({ length: outputs }, (_, i) => `class-${i}`) },
    format: 'tfjs-layers',
    sample: Array.from({ length: inputs }, (_, i) => Math.sin(i)),
  };
  const files = await modelToFiles(model, signature);
  model.dispose();
  const pointer: Pointer = {
    model: name,
    version,
    artifacts: versionPrefix(name, version),
    modelJsonSha256: createHash('sha256').update(files[MODEL_JSON_FILE]!).digest('hex'),
    promotedAt: new Date().toISOString(),
  };
  const row = Array.from({ length: inputs }, (_, i) => Math.round(Math.cos(i * 1.3) * 1000) / 1000);
  return { name, version, files, pointer, inputs, row };
}
