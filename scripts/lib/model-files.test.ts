import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Signature } from '../../contracts/index.ts';
import { makeClassification } from './make-classification.ts';
import { buildMlp, predictProbabilities, trainMlp } from './mlp.ts';
import {
  buildSignature,
  loadModelFromFiles,
  type ModelFiles,
  modelToFiles,
  predictWithSignature,
  readModelFiles,
  readModelJson,
  readSignature,
  WEIGHTS_FILE,
  writeModelFiles,
} from './model-files.ts';
import { applyStandardizer, fitStandardizer } from './standardize.ts';
import { initBackend } from './tf-backend.ts';

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

describe('model files', () => {
  let model: tfl.LayersModel;
  let signature: Signature;
  let files: ModelFiles;
  let rows: number[][];
  let dir: string;

  beforeAll(async () => {
    await initBackend('cpu');
    const { X, y } = makeClassification({ nSamples: 300, nFeatures: 6, nInformative: 4, nRedundant: 2, seed: 5 });
    const standardizer = fitStandardizer(X);
    model = buildMlp({ inputDim: 6, hiddenUnits: [8, 4], learningRate: 0.01, seed: 5 });
    await trainMlp(
      model,
      { X: applyStandardizer(X, standardizer), y },
      { X: applyStandardizer(X, standardizer), y },
      {
        epochs: 2,
        batchSize: 32,
        seed: 5,
      },
    );
    signature = buildSignature({ standardizer, sample: X[0]! });
    files = await modelToFiles(model, signature);
    rows = X.slice(0, 40);
    dir = await mkdtemp(join(tmpdir(), 'edgeflow-model-files-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes model.json the way tf.io does, with one weight shard', () => {
    expect(Object.keys(files).sort()).toEqual(['group1-shard1of1.bin', 'model.json', 'signature.json']);
    const json = JSON.parse(text(files['model.json']));
    expect(Object.keys(json)).toEqual(['modelTopology', 'format', 'generatedBy', 'convertedBy', 'weightsManifest']);
    expect(json.format).toBe('layers-model');
    expect(json.generatedBy).toMatch(/^TensorFlow\.js tfjs-layers v4\./);
    expect(json.convertedBy).toBeNull();
    expect(json.modelTopology.class_name).toBe('Sequential');
    expect(json.weightsManifest).toHaveLength(1);
    expect(json.weightsManifest[0].paths).toEqual([WEIGHTS_FILE]);
    const specs = json.weightsManifest[0].weights as { name: string; shape: number[]; dtype: string }[];
    // 6→8→4→1: three kernels and three biases, float32
    expect(specs.map((s) => s.shape)).toEqual([[6, 8], [8], [8, 4], [4], [4, 1], [1]]);
    expect(specs.every((s) => s.dtype === 'float32')).toBe(true);
    const floats = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
    expect(files[WEIGHTS_FILE]!.byteLength).toBe(floats * 4);
  });

  it('writes a signature.json the contract accepts, with the standardizer and a real sample', () => {
    const parsed = Signature.parse(JSON.parse(text(files['signature.json'])));
    expect(parsed).toEqual(signature);
    expect(parsed.inputs.map((i) => i.name)).toEqual(['f0', 'f1', 'f2', 'f3', 'f4', 'f5']);
    expect(parsed.output).toEqual({ kind: 'binary', threshold: 0.5, labels: ['legit', 'fraud'] });
    expect(parsed.format).toBe('tfjs-layers');
    expect(parsed.sample).toHaveLength(6);
    expect(readSignature(files)).toEqual(signature);
  });

  it('loads back into a model with identical predictions', async () => {
    const loaded = await loadModelFromFiles(files);
    const z = applyStandardizer(rows, signature.preprocess!.standardize!);
    expect(await predictProbabilities(loaded, z)).toEqual(await predictProbabilities(model, z));
  });

  it("is accepted by tfjs's own HTTP loader (relative shard paths resolve beside model.json)", async () => {
    const requested: string[] = [];
    const fetchFunc = async (input: RequestInfo | URL) => {
      const url = input instanceof Request ? input.url : String(input);
      requested.push(url);
      const name = url.replace('https://models.example/v1/', '');
      const body = files[name];
      return body ? new Response(body.slice()) : new Response('not found', { status: 404 });
    };
    const loaded = await tfl.loadLayersModel(tf.io.http('https://models.example/v1/model.json', { fetchFunc }));
    expect(requested).toEqual(['https://models.example/v1/model.json', `https://models.example/v1/${WEIGHTS_FILE}`]);
    const z = applyStandardizer(rows, signature.preprocess!.standardize!);
    expect(await predictProbabilities(loaded, z)).toEqual(await predictProbabilities(model, z));
  });

  it('predicts from raw rows by standardizing with the signature first', async () => {
    const probs = await predictWithSignature(model, signature, rows);
    const manual = await predictProbabilities(model, applyStandardizer(rows, signature.preprocess!.standardize!));
    expect(probs).toEqual(manual);
    expect(probs.every((p) => p > 0 && p < 1)).toBe(true);
    // without standardization the answers differ: the preprocessing matters
    const raw = await predictProbabilities(model, rows);
    expect(raw).not.toEqual(probs);
  });

  it('rejects rows of the wrong width', async () => {
    await expect(predictWithSignature(model, signature, [[1, 2, 3]])).rejects.toThrow(/expected 6 features, got 3/);
  });

  it('round-trips through a folder', async () => {
    await writeModelFiles(dir, files);
    expect((await readdir(dir)).sort()).toEqual(['group1-shard1of1.bin', 'model.json', 'signature.json']);
    const back = await readModelFiles(dir);
    expect(back).toEqual(files);
    const loaded = await loadModelFromFiles(back);
    expect(await predictWithSignature(loaded, readSignature(back), rows)).toEqual(
      await predictWithSignature(model, signature, rows),
    );
  });

  it('says which file is missing or malformed', async () => {
    const { [WEIGHTS_FILE]: _, ...noShard } = files;
    await expect(loadModelFromFiles(noShard)).rejects.toThrow(`missing weight shard ${WEIGHTS_FILE}`);
    expect(() => readModelJson({ 'model.json': new TextEncoder().encode('{"format":"graph-model"}') })).toThrow(
      /not a tfjs layers model/,
    );
    expect(() => readSignature({})).toThrow('missing signature.json');
    expect(() => buildSignature({ standardizer: { mean: [0, 0], std: [1, 1] }, sample: [1] })).toThrow();
  });
});
