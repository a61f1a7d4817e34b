import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from './testing/fault-proxy.ts';
import { recordingFetch } from './testing/recording-fetch.ts';
import { openTestTracker, type TestTracker } from './testing/test-tracker.ts';
import { TrackerClient } from './tracker-client.ts';
import { TrackerError } from './tracker-error.ts';

/*
 * The client against the real tracker over real HTTP: by default a fresh one served in this process
 * (testing/test-tracker.ts); set EDGEFLOW_TEST_TRACKER_URL to run the same tests against a running
 * tracker. Request shapes are asserted through a recording fetch around the real fetch; names are
 * unique per test so a long-lived tracker works too. What a tracker cannot be made to do on demand
 * (a 503, a gateway's HTML page, a malformed answer, a dropped connection) comes from a fault proxy
 * in front of it (testing/fault-proxy.ts).
 */
describe('TrackerClient', () => {
  let tracker: TestTracker;
  let proxy: FaultProxy;
  let baseUrl: string;
  let rec: ReturnType<typeof recordingFetch>;
  let client: TrackerClient;
  /** The same client through the fault proxy. */
  let faulty: TrackerClient;
  const unique = (s: string) => `${s}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    tracker = await openTestTracker();
    baseUrl = tracker.url;
    proxy = await startFaultProxy(baseUrl);
  });
  afterAll(async () => {
    await proxy?.close();
    await tracker?.close();
  });
  beforeEach(() => {
    rec = recordingFetch();
    client = new TrackerClient({ baseUrl, fetch: rec.fetch });
    faulty = new TrackerClient({ baseUrl: proxy.url, fetch: rec.fetch });
  });

  async function newRun(tags?: Record<string, string>) {
    const experimentId = await client.getOrCreateExperiment(unique('exp'));
    return client.createRun({ experimentId, runName: 'r', tags });
  }

  describe('base URL', () => {
    it('comes from the constructor, else MLFLOW_TRACKING_URI, else localhost:EDGEFLOW_TRACKER_PORT', () => {
      const saved = { uri: process.env.MLFLOW_TRACKING_URI, port: process.env.EDGEFLOW_TRACKER_PORT };
      const restore = (name: string, value: string | undefined) => {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      };
      try {
        process.env.MLFLOW_TRACKING_URI = 'http://tracker.example:5001/';
        process.env.EDGEFLOW_TRACKER_PORT = '6123';
        expect(new TrackerClient().baseUrl).toBe('http://tracker.example:5001');
        expect(new TrackerClient({ baseUrl: 'http://x:1//' }).baseUrl).toBe('http://x:1');
        delete process.env.MLFLOW_TRACKING_URI;
        expect(new TrackerClient().baseUrl).toBe('http://localhost:6123');
        delete process.env.EDGEFLOW_TRACKER_PORT;
        expect(new TrackerClient().baseUrl).toBe('http://localhost:5000');
      } finally {
        restore('MLFLOW_TRACKING_URI', saved.uri);
        restore('EDGEFLOW_TRACKER_PORT', saved.port);
      }
    });
  });

  describe('experiments and runs', () => {
    it('getOrCreateExperiment looks the name up, creates it once, then finds it', async () => {
      const name = unique('exp with spaces & symbols');
      const id = await client.getOrCreateExperiment(name);
      expect(await client.getOrCreateExperiment(name)).toBe(id);
      expect(rec.calls.map((c) => `${c.method} ${c.path.replace(/^.*\/api\/2\.0\//, '')}`)).toEqual([
        'GET mlflow/experiments/get-by-name',
        'POST mlflow/experiments/create',
        'GET mlflow/experiments/get-by-name',
      ]);
      expect(rec.calls[0]!.query).toEqual({ experiment_name: name });
      expect(rec.calls[1]!.json).toEqual({ name });
      expect(rec.calls[1]!.headers['content-type']).toBe('application/json');
    });

    it('createRun sends MLflow create-run and returns run.info', async () => {
      const experimentId = await client.getOrCreateExperiment(unique('exp'));
      const info = await client.createRun({
        experimentId,
        runName: 'mlp',
        tags: { 'mlflow.user': 'me' },
        startTime: 1_700_000_000_000,
      });
      expect(rec.to('mlflow/runs/create')[0]!.json).toEqual({
        experiment_id: experimentId,
        run_name: 'mlp',
        start_time: 1_700_000_000_000,
        tags: [{ key: 'mlflow.user', value: 'me' }],
      });
      expect(info).toMatchObject({
        experiment_id: experimentId,
        run_name: 'mlp',
        status: 'RUNNING',
        start_time: 1_700_000_000_000,
        lifecycle_stage: 'active',
      });
      expect(info.artifact_uri).toBe(`mlflow-artifacts:/${experimentId}/${info.run_id}/artifacts`);
      const run = await client.getRun(info.run_id);
      expect(run.data.tags).toContainEqual({ key: 'mlflow.user', value: 'me' });
      expect(run.data.metrics).toEqual([]); // MLflow leaves empty lists out; the client fills them in
    });

    it('logs params, metrics and tags, and ends the run', async () => {
      const { run_id } = await newRun();
      await client.logParams(run_id, { lr: 0.01, layers: 2, early_stop: true, opt: 'adam' });
      await client.logMetric(run_id, 'loss', 0.5, { step: 3, timestamp: 1000 });
      await client.logMetric(run_id, 'weird', Number.NaN);
      await client.setTag(run_id, 'stage', 'dev');
      await client.endRun(run_id, 'FAILED');

      expect(rec.to('mlflow/runs/log-batch')[0]!.json).toEqual({
        run_id,
        metrics: [],
        params: [
          { key: 'lr', value: '0.01' },
          { key: 'layers', value: '2' },
          { key: 'early_stop', value: 'true' },
          { key: 'opt', value: 'adam' },
        ],
        tags: [],
      });
      expect(rec.to('mlflow/runs/log-metric')[0]!.json).toEqual({
        run_id,
        key: 'loss',
        value: 0.5,
        timestamp: 1000,
        step: 3,
      });
      expect(rec.to('mlflow/runs/log-metric')[1]!.json).toMatchObject({ value: 'NaN', step: 0 });
      expect(rec.to('mlflow/runs/set-tag')[0]!.json).toEqual({ run_id, key: 'stage', value: 'dev' });
      const update = rec.to('mlflow/runs/update')[0]!.json as Record<string, unknown>;
      expect(update).toMatchObject({ run_id, status: 'FAILED' });
      expect(typeof update.end_time).toBe('number');

      const run = await client.getRun(run_id);
      expect(run.info.status).toBe('FAILED');
      expect(run.info.end_time).toBe(update.end_time);
      expect(run.data.params).toContainEqual({ key: 'lr', value: '0.01' });
      expect(run.data.metrics).toContainEqual({ key: 'loss', value: 0.5, timestamp: 1000, step: 3 });
      expect(run.data.metrics.find((m) => m.key === 'weird')?.value).toBeNaN();
      expect(run.data.tags).toContainEqual({ key: 'stage', value: 'dev' });
    });

    it('logBatch splits into MLflow limits: 1000 metrics / 100 params / 100 tags / 1000 items a request', async () => {
      const { run_id } = await newRun();
      const metrics = Array.from({ length: 2350 }, (_, i) => ({ key: `m${i % 7}`, value: i, step: i, timestamp: 1 }));
      const params = Array.from({ length: 250 }, (_, i) => ({ key: `p${i}`, value: String(i) }));
      const tags = Array.from({ length: 120 }, (_, i) => ({ key: `t${i}`, value: String(i) }));
      await client.logBatch(run_id, { metrics, params, tags });

      const sent = rec
        .to('mlflow/runs/log-batch')
        .map((c) => c.json as { metrics: unknown[]; params: unknown[]; tags: unknown[] });
      for (const b of sent) {
        expect(b.metrics.length).toBeLessThanOrEqual(1000);
        expect(b.params.length).toBeLessThanOrEqual(100);
        expect(b.tags.length).toBeLessThanOrEqual(100);
        expect(b.metrics.length + b.params.length + b.tags.length).toBeLessThanOrEqual(1000);
      }
      expect(sent.map((b) => [b.metrics.length, b.params.length, b.tags.length])).toEqual([
        [800, 100, 100],
        [880, 100, 20],
        [670, 50, 0],
      ]);
      expect(sent.flatMap((b) => b.metrics)).toEqual(metrics); // all of them, in order
      const run = await client.getRun(run_id);
      expect(run.data.params).toHaveLength(250);
      expect(run.data.tags.filter((t) => t.key.startsWith('t'))).toHaveLength(120);
    });

    it('an empty logBatch sends nothing', async () => {
      await client.logBatch('whatever', {});
      expect(rec.calls).toHaveLength(0);
    });
  });

  describe('artifacts', () => {
    it('PUTs to the proxied artifact path derived from the run artifact_uri', async () => {
      const info = await newRun();
      await client.logArtifact(info.run_id, 'model/model.json', '{"format":"layers-model"}', 'application/json');
      await client.logArtifact(info.run_id, 'model/group1 shard#1.bin', new Uint8Array([1, 2, 3]));
      const [json, bin] = rec.calls.filter((c) => c.method === 'PUT');
      expect(json!.path).toBe(
        `/api/2.0/mlflow-artifacts/artifacts/${info.experiment_id}/${info.run_id}/artifacts/model/model.json`,
      );
      expect(json!.headers['content-type']).toBe('application/json');
      expect(new TextDecoder().decode(json!.body)).toBe('{"format":"layers-model"}');
      expect(bin!.path).toBe(
        `/api/2.0/mlflow-artifacts/artifacts/${info.experiment_id}/${info.run_id}/artifacts/model/group1%20shard%231.bin`,
      );
      expect(bin!.headers['content-type']).toBe('application/octet-stream');
      // Read back through the same API.
      const back = await fetch(`${baseUrl}${bin!.path}`);
      expect(new Uint8Array(await back.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
    });

    it('looks the artifact_uri up when the run was created elsewhere, once', async () => {
      const info = await newRun();
      const other = recordingFetch();
      const second = new TrackerClient({ baseUrl, fetch: other.fetch });
      await second.logArtifact(info.run_id, 'a.txt', 'a');
      await second.logArtifact(info.run_id, 'b.txt', 'b');
      expect(other.calls.map((c) => c.method)).toEqual(['GET', 'PUT', 'PUT']);
      expect(other.calls[0]!.query).toEqual({ run_id: info.run_id });
    });

    it('refuses paths that escape the run', async () => {
      const info = await newRun();
      for (const p of ['../x', '/abs', 'a//b', 'a/./b', '']) {
        await expect(client.logArtifact(info.run_id, p, 'x')).rejects.toMatchObject({
          errorCode: 'INVALID_PARAMETER_VALUE',
        });
      }
    });
  });

  describe('model registry and deployments', () => {
    it('creates, ensures and reads registered models; null when absent', async () => {
      const name = unique('model');
      expect(await client.getRegisteredModel(name)).toBeNull();
      await client.createRegisteredModel(name);
      await expect(client.createRegisteredModel(name)).rejects.toMatchObject({
        errorCode: 'RESOURCE_ALREADY_EXISTS',
        status: 400,
      });
      await client.ensureRegisteredModel(name);
      await client.ensureRegisteredModel(unique('model'));
      const m = await client.getRegisteredModel(name);
      expect(m).toMatchObject({ name, latest_versions: [], aliases: [] });
      expect(rec.to('mlflow/registered-models/get')[0]!.query).toEqual({ name });
    });

    it('creates and reads versions, sets, reads and deletes aliases', async () => {
      const name = unique('model');
      const run = await newRun();
      await client.ensureRegisteredModel(name);
      const v1 = await client.createModelVersion({
        name,
        source: `runs:/${run.run_id}/model`,
        runId: run.run_id,
        description: 'first',
      });
      expect(rec.to('mlflow/model-versions/create')[0]!.json).toEqual({
        name,
        source: `runs:/${run.run_id}/model`,
        run_id: run.run_id,
        description: 'first',
      });
      expect(v1).toMatchObject({ name, version: '1', source: `runs:/${run.run_id}/model`, run_id: run.run_id });
      expect(await client.getModelVersion(name, '1')).toMatchObject({ version: '1', description: 'first' });
      await expect(client.getModelVersion(name, '9')).rejects.toMatchObject({
        errorCode: 'RESOURCE_DOES_NOT_EXIST',
        status: 404,
      });

      expect(await client.getModelVersionByAlias(name, 'champion')).toBeNull();
      await client.setAlias(name, 'champion', '1');
      expect(rec.to('mlflow/registered-models/alias').at(-1)!.json).toEqual({ name, alias: 'champion', version: '1' });
      expect(await client.getModelVersionByAlias(name, 'champion')).toMatchObject({
        version: '1',
        aliases: ['champion'],
      });
      expect((await client.getRegisteredModel(name))!.aliases).toEqual([{ alias: 'champion', version: '1' }]);

      await client.deleteAlias(name, 'champion');
      const del = rec.calls.find((c) => c.method === 'DELETE')!;
      expect(del.query).toEqual({ name, alias: 'champion' });
      expect(del.json).toEqual({ name, alias: 'champion' });
      expect(await client.getModelVersionByAlias(name, 'champion')).toBeNull();

      // opting a model that exists in to the edge sets its tag
      await client.ensureRegisteredModel(name, { edge: true });
      expect(rec.to('mlflow/registered-models/set-tag').at(-1)!.json).toEqual({
        name,
        key: 'edgeflow.edge',
        value: 'true',
      });
      expect((await client.getRegisteredModel(name))!.tags).toEqual([{ key: 'edgeflow.edge', value: 'true' }]);
    });

    it('promotes with the production alias, reads the deployment, rolls back', async () => {
      const name = unique('model');
      const run = await newRun();
      // A servable version's files (the real tracker checks them before it promotes).
      const modelJson = {
        format: 'layers-model',
        modelTopology: {},
        weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [] }],
      };
      const signature = {
        inputs: [{ name: 'f0', dtype: 'float32' }],
        output: { kind: 'regression' },
        format: 'tfjs-layers',
        sample: [0],
      };
      await client.logArtifact(run.run_id, 'model/model.json', JSON.stringify(modelJson), 'application/json');
      await client.logArtifact(run.run_id, 'model/group1-shard1of1.bin', new Uint8Array(4));
      await client.logArtifact(run.run_id, 'model/signature.json', JSON.stringify(signature), 'application/json');
      await client.ensureRegisteredModel(name, { edge: true });
      expect(rec.to('mlflow/registered-models/create').at(-1)!.json).toEqual({
        name,
        tags: [{ key: 'edgeflow.edge', value: 'true' }],
      });
      expect(await client.getDeployment(name)).toEqual({ pointer: null, history: [] });
      for (let i = 0; i < 2; i++)
        await client.createModelVersion({ name, source: `runs:/${run.run_id}/model`, runId: run.run_id });
      await client.setAlias(name, 'production', '1');
      await client.setAlias(name, 'production', '2');
      const state = await client.getDeployment(name);
      expect(rec.to('edgeflow/deployments/get')[0]!.query).toEqual({ name });
      expect(state.pointer).toMatchObject({ model: name, version: '2', previous: '1', artifacts: `models/${name}/2/` });
      expect(state.history.map((d) => [d.from_version, d.to_version])).toEqual([
        ['1', '2'],
        [null, '1'],
      ]);

      const d = await client.rollback(name);
      expect(rec.to('edgeflow/deployments/rollback')[0]!.json).toEqual({ name });
      expect(d).toMatchObject({ model: name, from_version: '2', to_version: '1', kind: 'rollback' });
      expect((await client.getDeployment(name)).pointer?.version).toBe('1');

      // Who acted is recorded as the client names it, a name beyond ASCII included.
      const named = new TrackerClient({ baseUrl, actor: 'Łucja 王' });
      await named.rollback(name, { to: '2' });
      expect((await client.getDeployment(name)).history[0]).toMatchObject({ to_version: '2', actor: 'Łucja 王' });
    });
  });

  describe('errors', () => {
    it("maps MLflow's error body to TrackerError(errorCode, status, message)", async () => {
      const err = (await client.getRun('no-such-run').catch((e: unknown) => e)) as TrackerError;
      expect(err).toBeInstanceOf(TrackerError);
      expect(err.errorCode).toBe('RESOURCE_DOES_NOT_EXIST');
      expect(err.status).toBe(404);
      expect(err.message).toMatch(
        /GET \/api\/2\.0\/mlflow\/runs\/get\?run_id=no-such-run: RESOURCE_DOES_NOT_EXIST: .*no-such-run/,
      );
    });

    it('refuses a changed param with INVALID_PARAMETER_VALUE', async () => {
      const { run_id } = await newRun();
      await client.logParams(run_id, { lr: 1 });
      await expect(client.logParams(run_id, { lr: 2 })).rejects.toMatchObject({
        errorCode: 'INVALID_PARAMETER_VALUE',
        status: 400,
      });
    });

    it('a non-JSON error body still gives a TrackerError with the status', async () => {
      proxy.failNext(() => true, { status: 502, body: '<html>Bad Gateway</html>', contentType: 'text/html' });
      await expect(faulty.getRun('x')).rejects.toMatchObject({
        errorCode: 'INTERNAL_ERROR',
        status: 502,
        message: expect.stringContaining('Bad Gateway'),
      });
    });

    it('an answer of the wrong shape is INVALID_RESPONSE naming the field', async () => {
      proxy.failNext(() => true, {
        status: 200,
        body: JSON.stringify({ run: { info: { run_id: 'x', status: 'SLEEPING' } } }),
      });
      const err = (await faulty.getRun('x').catch((e: unknown) => e)) as TrackerError;
      expect(err.errorCode).toBe('INVALID_RESPONSE');
      expect(err.message).toMatch(/run\.info\.status/);
      proxy.failNext(() => true, { status: 200, body: 'not json', contentType: 'text/plain' });
      await expect(faulty.getRun('x')).rejects.toMatchObject({ errorCode: 'INVALID_RESPONSE' });
    });

    it('an unreachable tracker is UNREACHABLE with status 0', async () => {
      // A port that was free a moment ago: nothing listens there.
      const port = await new Promise<number>((resolve) => {
        const s = createServer().listen(0, '127.0.0.1', () => {
          const { port } = s.address() as { port: number };
          s.close(() => resolve(port));
        });
      });
      const dead = new TrackerClient({ baseUrl: `http://127.0.0.1:${port}` });
      await expect(dead.getOrCreateExperiment('x')).rejects.toMatchObject({
        errorCode: 'UNREACHABLE',
        status: 0,
        retriable: true,
      });
    });

    it('a connection dropped mid-request is UNREACHABLE too, and retriable', async () => {
      proxy.failNext((r) => r.path.endsWith('/runs/get'), 'drop');
      const err = (await faulty.getRun('x').catch((e: unknown) => e)) as TrackerError;
      expect(err).toMatchObject({ errorCode: 'UNREACHABLE', status: 0, retriable: true });
      expect(err.message).toContain(`cannot reach the tracker at ${proxy.url}`);
      // the proxy itself still works: the next call reaches the tracker, which knows no such run
      await expect(faulty.getRun('x')).rejects.toMatchObject({ errorCode: 'RESOURCE_DOES_NOT_EXIST', status: 404 });
    });
  });

  describe('metricLogger against the tracker', () => {
    it('flushes by size and on close, never losing a point, in order', async () => {
      const { run_id } = await newRun();
      const logger = client.metricLogger(run_id, { maxBatch: 100, flushMs: 60_000 });
      for (let i = 0; i < 250; i++) logger.log('loss', 1 / (i + 1), i, 1000 + i);
      await logger.close();
      const batches = rec.to('mlflow/runs/log-batch').map((c) => (c.json as { metrics: { step: number }[] }).metrics);
      expect(batches.map((b) => b.length)).toEqual([100, 100, 50]);
      expect(batches.flat().map((m) => m.step)).toEqual(Array.from({ length: 250 }, (_, i) => i));
      expect((await client.getRun(run_id)).data.metrics).toEqual([
        { key: 'loss', value: 1 / 250, step: 249, timestamp: 1249 },
      ]);
      expect(() => logger.log('loss', 1)).toThrow(/closed/);
    });

    it('flushes by time', async () => {
      const { run_id } = await newRun();
      const logger = client.metricLogger(run_id, { flushMs: 30 });
      logger.log('acc', 0.9, 0);
      expect(rec.to('mlflow/runs/log-batch')).toHaveLength(0);
      await new Promise((r) => setTimeout(r, 200));
      expect(rec.to('mlflow/runs/log-batch')).toHaveLength(1);
      expect(logger.pending).toBe(0);
      await logger.close();
    });

    it('keeps points through a 503 and sends them on close; surfaces the error once', async () => {
      const { run_id } = await newRun();
      const logger = faulty.metricLogger(run_id, { maxBatch: 2, flushMs: 60_000 });
      proxy.failNext((r) => r.path.endsWith('/log-batch'), {
        status: 503,
        body: JSON.stringify({ error_code: 'TEMPORARILY_UNAVAILABLE', message: 'busy' }),
      });
      logger.log('x', 1, 0);
      logger.log('x', 2, 1); // full: background send, answered 503
      await expect.poll(() => logger.pending === 2 && rec.to('mlflow/runs/log-batch').length === 1).toBe(true);
      await new Promise((r) => setTimeout(r, 20));
      expect(() => logger.log('x', 3, 2)).toThrow(/TEMPORARILY_UNAVAILABLE: busy/);
      expect(logger.pending).toBe(2);
      logger.log('x', 3, 2);
      await logger.close();
      const sent = rec
        .to('mlflow/runs/log-batch')
        .slice(1)
        .flatMap((c) => (c.json as { metrics: { value: number }[] }).metrics.map((m) => m.value));
      expect(sent).toEqual([1, 2, 3]);
      expect((await client.getRun(run_id)).data.metrics[0]).toMatchObject({ key: 'x', value: 3, step: 2 });
    });

    it('drops points the tracker refuses (4xx) and says so', async () => {
      const { run_id } = await newRun();
      const logger = client.metricLogger(run_id, { flushMs: 60_000 });
      logger.log('k'.repeat(251), 1); // MLflow's keys are at most 250 characters: the tracker answers 400
      await expect(logger.flush()).rejects.toThrow(/INVALID_PARAMETER_VALUE: .*\(1 metric points dropped\)/);
      expect(logger.pending).toBe(0);
      logger.log('ok', 1);
      await logger.close();
      expect((await client.getRun(run_id)).data.metrics.map((m) => m.key)).toEqual(['ok']);
    });
  });
});
