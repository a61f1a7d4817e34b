import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrackerClient } from '../tracker/client/index.ts';
import { openTrackerFixture, type TrackerFixture } from '../tracker/src/testing/tracker-fixture.ts';
import { demoCsv } from './demo-csv.ts';
import { loadModelFromFiles, type ModelFiles, predictWithSignature, readSignature } from './lib/model-files.ts';
import { modelNameOf, parseTrainArgs, trainAndLog, USAGE } from './train.ts';

describe('trainAndLog against a real tracker over HTTP', () => {
  let fixture: TrackerFixture;
  let server: ServerType;
  let client: TrackerClient;
  let baseUrl: string;

  beforeAll(async () => {
    fixture = await openTrackerFixture();
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: fixture.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = new TrackerClient({ baseUrl });
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await fixture?.close();
  });

  it('logs params, per-epoch and test metrics, model files; registers and promotes the version', async () => {
    const lines: string[] = [];
    const result = await trainAndLog(client, {
      nSamples: 600,
      epochs: 3,
      backend: 'cpu',
      model: 'fraud-detector-test',
      experiment: 'train-test',
      promote: true,
      log: (line) => lines.push(line),
    });
    expect(result.version).toBe('1');
    expect(lines.filter((l) => /^epoch [ \d]+\/3 .*val_auc \d\.\d{4} .* ms$/.test(l))).toHaveLength(3);

    const { run } = (await fixture.get('/api/2.0/mlflow/runs/get', { run_id: result.runId })).body;
    expect(run.info.status).toBe('FINISHED');
    expect(run.info.run_name).toBe('mlp-64x32-e3-s42');
    const params = Object.fromEntries(run.data.params.map((p: { key: string; value: string }) => [p.key, p.value]));
    expect(params).toMatchObject({
      epochs: '3',
      n_samples: '600',
      hidden_units: '64,32',
      random_state: '42',
      test_size: '0.2',
    });
    const tags = Object.fromEntries(run.data.tags.map((t: { key: string; value: string }) => [t.key, t.value]));
    expect(tags['mlflow.source.name']).toBe('scripts/train.ts');
    const latest = Object.fromEntries(run.data.metrics.map((m: { key: string; value: number }) => [m.key, m.value]));
    expect(latest.test_roc_auc).toBe(result.metrics.roc_auc);
    expect(latest.test_accuracy).toBe(result.metrics.accuracy);
    expect(result.metrics.roc_auc).toBeGreaterThan(0.85);
    for (const key of ['loss', 'accuracy', 'val_loss', 'val_accuracy', 'val_auc']) {
      const history = await fixture.get('/api/2.0/mlflow/metrics/get-history', {
        run_id: result.runId,
        metric_key: key,
      });
      expect(history.body.metrics.map((m: { step: number }) => m.step)).toEqual([0, 1, 2]);
    }

    const version = (
      await fixture.get('/api/2.0/mlflow/model-versions/get', { name: 'fraud-detector-test', version: '1' })
    ).body.model_version;
    expect(version).toMatchObject({
      source: `runs:/${result.runId}/model`,
      run_id: result.runId,
      aliases: ['production'],
    });
    const { pointer } = await client.getDeployment('fraud-detector-test');
    expect(pointer?.version).toBe('1');
    // registered opted in to the edge: that is what makes alias production deploy it
    expect((await client.getRegisteredModel('fraud-detector-test'))?.tags).toEqual([
      { key: 'edgeflow.edge', value: 'true' },
    ]);

    // the uploaded files are the trained model: downloaded back, they predict what it predicts
    const files: ModelFiles = {};
    for (const name of ['model.json', 'group1-shard1of1.bin', 'signature.json', 'reference.json']) {
      const res = await fetch(
        `${baseUrl}/api/2.0/mlflow-artifacts/artifacts/${run.info.experiment_id}/${result.runId}/artifacts/model/${name}`,
      );
      expect(res.status).toBe(200);
      files[name] = new Uint8Array(await res.arrayBuffer());
    }
    expect(files).toEqual(result.files);
    const signature = readSignature(files);
    const loaded = await loadModelFromFiles(files);
    expect(await predictWithSignature(loaded, signature, [signature.sample])).toEqual(
      await predictWithSignature(result.layersModel, result.signature, [signature.sample]),
    );
  });

  it('ends the run FAILED when training throws, and registers nothing', async () => {
    const lines: string[] = [];
    await expect(
      trainAndLog(client, {
        testSize: 1.5,
        backend: 'cpu',
        model: 'never-registered',
        experiment: 'train-fail',
        register: true,
        log: (line) => lines.push(line),
      }),
    ).rejects.toThrow(/testSize/);
    const runId = /^run ([0-9a-f]{32}) /.exec(lines[0] ?? '')?.[1];
    expect(runId).toBeDefined();
    const { run } = (await fixture.get('/api/2.0/mlflow/runs/get', { run_id: runId! })).body;
    expect(run.info.status).toBe('FAILED');
    expect(run.info.end_time).toBeGreaterThan(0);
    expect(await client.getRegisteredModel('never-registered')).toBeNull();
  });

  it("trains on a CSV, logs the file as the run's dataset and registers the model for the edge", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'edgeflow-train-csv-'));
    try {
      const path = join(dir, 'Demo Data.csv');
      await writeFile(path, demoCsv(500));
      const lines: string[] = [];
      const result = await trainAndLog(client, {
        csv: { path, label: 'is_fraud', datasetDigest: 'd41d8cd98f00b204e9800998ecf8427e' },
        epochs: 4,
        backend: 'cpu',
        register: true,
        log: (line) => lines.push(line),
      });
      expect(result.version).toBe('1');
      expect(lines).toContain(
        'task: binary (negative "0", positive "1"; --positive to choose); --task binary|multiclass|regression to override',
      );
      expect(lines.some((l) => /^ {2}f0 +numeric +0 +500 +feature$/.test(l))).toBe(true);
      expect(lines.some((l) => /^kept epoch \d of 4 \(best val_auc 0\.\d{4}\)$/.test(l))).toBe(true);
      const { run } = (await fixture.get('/api/2.0/mlflow/runs/get', { run_id: result.runId })).body;
      expect(run.info.run_name).toBe('mlp-64x32-is_fraud-s42');
      const [input] = run.inputs.dataset_inputs;
      expect(input.tags).toEqual([{ key: 'mlflow.data.context', value: 'training' }]);
      expect(input.dataset).toMatchObject({ name: 'Demo Data.csv', source_type: 'local' });
      expect(JSON.parse(input.dataset.source)).toMatchObject({ dataset_digest: 'd41d8cd98f00b204e9800998ecf8427e' });
      expect(JSON.parse(input.dataset.profile)).toEqual({ num_rows: 500, num_elements: 10_500, missing_cells: 0 });
      const latest = Object.fromEntries(run.data.metrics.map((m: { key: string; value: number }) => [m.key, m.value]));
      expect(Object.keys(latest)).toEqual(
        expect.arrayContaining(['test_roc_auc', 'best_epoch', 'epochs_trained', 'val_auc']),
      );
      // named after the file, in an experiment of its name, opted in to the edge
      expect((await client.getRegisteredModel('demo-data'))?.tags).toEqual([{ key: 'edgeflow.edge', value: 'true' }]);
      expect(run.info.experiment_id).toBe(await client.getOrCreateExperiment('demo-data'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('parseTrainArgs', () => {
  it('reads the CSV options', () => {
    expect(
      parseTrainArgs([
        '--',
        '--csv',
        'tx.csv',
        '--label',
        'is_fraud',
        '--id',
        'txn_id',
        '--drop',
        'a, b',
        '--categorical',
        'zip',
        '--task',
        'binary',
        '--name',
        'fraud',
        '--epochs',
        '50',
        '--seed',
        '3',
        '--hidden',
        '32,16',
        '--promote',
      ]),
    ).toMatchObject({
      csv: { path: 'tx.csv', label: 'is_fraud', id: 'txn_id', drop: ['a', 'b'], categorical: ['zip'], task: 'binary' },
      model: 'fraud',
      epochs: 50,
      seed: 3,
      hiddenUnits: [32, 16],
      promote: true,
    });
    expect(parseTrainArgs(['--seed', '3', '--demo-seed', '7'])).toMatchObject({ seed: 3, dataSeed: 7 });
    expect(parseTrainArgs(['--help'])).toBe('help');
    expect(parseTrainArgs(['-h'])).toBe('help');
  });

  it('lists every option in --help', () => {
    for (const flag of [
      '--csv',
      '--label',
      '--id',
      '--drop',
      '--categorical',
      '--task',
      '--name',
      '--epochs',
      '--seed',
      '--demo-seed',
      '--register',
      '--promote',
      '--dataset-digest',
      '--help',
    ]) {
      expect(USAGE).toContain(flag);
    }
  });

  it.each([
    [['--sed', '3'], 'unknown option --sed'],
    [['data.csv'], 'unexpected argument data.csv (options start with --)'],
    [['--label', 'y'], '--label needs --csv FILE'],
    [['--csv', 'x.csv'], '--csv needs --label COLUMN (the column to predict)'],
    [['--csv', 'x.csv', '--label', 'y', '--demo-seed', '3'], '--demo-seed is for the demo data set, not --csv'],
    [
      ['--csv', 'x.csv', '--label', 'y', '--task', 'ranking'],
      '--task must be binary or multiclass or regression, got ranking',
    ],
    [['--epochs', '0'], '--epochs must be an integer ≥ 1, got 0'],
    [['--name', 'a', '--model', 'b'], 'give --name or --model, not both'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseTrainArgs(argv)).toThrow(message);
  });

  it('names a model after its CSV file', () => {
    expect([modelNameOf('data/Card Fraud.csv'), modelNameOf('/x/tx_2024.v2.csv'), modelNameOf('---.csv')]).toEqual([
      'card-fraud',
      'tx_2024.v2',
      'csv-model',
    ]);
  });
});
