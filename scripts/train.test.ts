import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrackerClient } from '../tracker/client/index.ts';
import { openTrackerFixture, type TrackerFixture } from '../tracker/src/testing/tracker-fixture.ts';
import { loadModelFromFiles, type ModelFiles, predictWithSignature, readSignature } from './lib/model-files.ts';
import { trainAndLog } from './train.ts';

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
});
