import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrackerClient } from '../tracker/client/index.ts';
import { openTrackerFixture, type TrackerFixture } from '../tracker/src/testing/tracker-fixture.ts';
import { buildGraphModel } from '../worker/src/testing/graph-model-fixture.ts';
import { demoCsv } from './demo-csv.ts';
import { buildMlp } from './lib/mlp.ts';
import { buildSignature, modelToFiles, writeModelFiles } from './lib/model-files.ts';
import { initBackend } from './lib/tf-backend.ts';
import { parseRegisterArgs, registerFolder } from './register.ts';

describe('registerFolder against a real tracker', () => {
  let fixture: TrackerFixture;
  let server: ServerType;
  let client: TrackerClient;
  let dir: string;
  let layersDir: string;
  let graphDir: string;
  let csv: string;

  beforeAll(async () => {
    await initBackend('cpu');
    fixture = await openTrackerFixture();
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: fixture.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    client = new TrackerClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    dir = await mkdtemp(join(tmpdir(), 'edgeflow-register-'));
    // a layers folder as tfjs writes it, without a signature
    layersDir = join(dir, 'layers');
    const model = buildMlp({ inputDim: 20, hiddenUnits: [8], learningRate: 0.01, seed: 1 });
    const files = await modelToFiles(
      model,
      buildSignature({
        standardizer: { mean: new Array(20).fill(0), std: new Array(20).fill(1) },
        sample: new Array(20).fill(0),
      }),
    );
    delete files['signature.json'];
    await writeModelFiles(layersDir, files);
    // a graph folder as tensorflowjs_converter writes it from a SavedModel
    graphDir = join(dir, 'graph');
    const graph = buildGraphModel({
      style: 'converter',
      layers: [
        {
          kernel: [
            [1, -1, 0.5],
            [0.2, 0.3, -0.4],
          ],
          bias: [0, 0.1, -0.1],
          activation: 'softmax',
        },
      ],
    });
    await mkdir(graphDir);
    await writeFile(join(graphDir, 'model.json'), JSON.stringify(graph.modelJson));
    await writeFile(join(graphDir, 'group1-shard1of1.bin'), new Uint8Array(graph.weights));
    csv = join(dir, 'data.csv');
    await writeFile(csv, demoCsv(50));
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await fixture?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('registers a layers folder with a signature inferred from a CSV, opted in to the edge, and promotes it', async () => {
    const { version, signature, runId } = await registerFolder(client, layersDir, {
      name: 'keras-fraud',
      inferFrom: { path: csv, label: 'is_fraud' },
      promote: true,
    });
    expect(version).toBe('1');
    expect(signature.inputs.map((i) => i.name)).toEqual(Array.from({ length: 20 }, (_, i) => `f${i}`));
    expect(signature.output).toEqual({ kind: 'binary', threshold: 0.5, labels: ['0', '1'] });
    expect(signature.preprocess).toBeUndefined();
    expect((await client.getRegisteredModel('keras-fraud'))?.tags).toEqual([{ key: 'edgeflow.edge', value: 'true' }]);
    expect((await client.getDeployment('keras-fraud')).pointer?.version).toBe('1');
    const listed = (await fixture.get('/api/2.0/mlflow/artifacts/list', { run_id: runId, path: 'model' })).body;
    expect(listed.files.map((f: { path: string }) => f.path).sort()).toEqual([
      'model/group1-shard1of1.bin',
      'model/model.json',
      'model/signature.json',
    ]);
  });

  it('registers a graph folder with a signature file', async () => {
    const sig = join(dir, 'graph-signature.json');
    await writeFile(
      sig,
      JSON.stringify({
        inputs: [
          { name: 'a', dtype: 'float32' },
          { name: 'b', dtype: 'float32' },
        ],
        output: { kind: 'multiclass', labels: ['x', 'y', 'z'] },
        format: 'tfjs-graph',
        sample: [0, 0],
      }),
    );
    const { version } = await registerFolder(client, graphDir, { name: 'graph-model', signaturePath: sig });
    expect(version).toBe('1');
    // inferred from the CSV, the output kind comes from the graph's Softmax
    const csv2 = join(dir, 'ab.csv');
    await writeFile(csv2, 'a,b\n1,2\n3,4\n');
    const inferred = await registerFolder(client, graphDir, { name: 'graph-model', inferFrom: { path: csv2 } });
    expect(inferred.signature.output).toEqual({ kind: 'multiclass', labels: ['0', '1', '2'] });
  });

  it.each([
    [
      'saved',
      { 'saved_model.pb': 'x' },
      /has no model\.json; saved_model\.pb is a TensorFlow SavedModel: convert it with tensorflowjs_converter --input_format=tf_saved_model/,
    ],
    [
      'sklearn',
      { 'model.pkl': 'x' },
      /model\.pkl is a pickled \(scikit-learn\?\) model: edgeflow serves TFJS models only/,
    ],
    ['other-json', { 'model.json': '{"format":"onnx"}' }, /is not a TFJS model \(format "onnx"/],
    [
      'no-shard',
      {
        'model.json': JSON.stringify({
          format: 'layers-model',
          modelTopology: {},
          weightsManifest: [{ paths: ['w.bin'], weights: [] }],
        }),
      },
      /lacks the weight shard w\.bin/,
    ],
  ])('refuses a %s folder, saying why', async (name, contents, message) => {
    const folder = join(dir, name);
    await mkdir(folder);
    for (const [file, text] of Object.entries(contents)) await writeFile(join(folder, file), text);
    await expect(registerFolder(client, folder, { name: 'x' })).rejects.toThrow(message);
  });

  it('refuses a folder without a signature, a signature of another width, and text inputs to infer', async () => {
    await expect(registerFolder(client, layersDir, { name: 'x' })).rejects.toThrow(
      /has no signature\.json: give --signature sig\.json, or --infer-from data\.csv/,
    );
    await expect(registerFolder(client, layersDir, { name: 'x', inferFrom: { path: csv } })).rejects.toThrow(
      'the model takes 20 input columns but the signature has 21',
    );
    const text = join(dir, 'text.csv');
    await writeFile(text, 'a,city,y\n1,paris,0\n2,rome,1\n');
    await expect(
      registerFolder(client, layersDir, { name: 'x', inferFrom: { path: text, label: 'y' } }),
    ).rejects.toThrow(/makes numeric inputs only, and city is not numeric: --drop it/);
    expect(await client.getRegisteredModel('x')).toBeNull();
  });
});

describe('parseRegisterArgs', () => {
  it('reads a folder and its options, and refuses what does not fit', () => {
    expect(
      parseRegisterArgs(['--', './m', '--name', 'x', '--infer-from', 'd.csv', '--label', 'y', '--promote']),
    ).toEqual({
      dir: './m',
      opts: { name: 'x', inferFrom: { path: 'd.csv', label: 'y' }, promote: true },
    });
    expect(parseRegisterArgs(['--help'])).toBe('help');
    expect(() => parseRegisterArgs(['./m'])).toThrow('--name NAME is required');
    expect(() => parseRegisterArgs(['./m', '--name', 'x', '--label', 'y'])).toThrow('--label needs --infer-from CSV');
    expect(() => parseRegisterArgs(['./m', '--name', 'x', '--bogus'])).toThrow('unknown option --bogus');
  });
});
