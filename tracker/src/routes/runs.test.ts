import { beforeAll, describe, expect, it } from 'vitest';
import { API, useTrackerFixture } from '../testing/tracker-fixture.ts';

describe('runs and metrics routes', () => {
  const t = useTrackerFixture();
  let experimentId: string;

  beforeAll(async () => {
    experimentId = (await t.post(`${API}/experiments/create`, { name: 'runs' })).body.experiment_id;
  });

  const createRun = async (body: Record<string, unknown> = {}) => {
    const res = await t.post(`${API}/runs/create`, { experiment_id: experimentId, ...body });
    expect(res.status).toBe(200);
    return res.body.run as { info: Record<string, any>; data: Record<string, any> };
  };
  const getRun = async (runId: string) => (await t.get(`${API}/runs/get`, { run_id: runId })).body.run;

  it('creates a run with MLflow info and data shapes', async () => {
    const run = await createRun({
      run_name: 'first',
      start_time: '1700000000000',
      tags: [{ key: 'mlflow.user', value: 'ana' }],
    });
    expect(run.info.run_id).toMatch(/^[0-9a-f]{32}$/);
    expect(run.info).toEqual({
      run_id: run.info.run_id,
      run_uuid: run.info.run_id,
      run_name: 'first',
      experiment_id: experimentId,
      user_id: 'ana',
      status: 'RUNNING',
      start_time: 1_700_000_000_000,
      artifact_uri: `mlflow-artifacts:/${experimentId}/${run.info.run_id}/artifacts`,
      lifecycle_stage: 'active',
    });
    expect(run.data).toEqual({
      metrics: [],
      params: [],
      tags: [
        { key: 'mlflow.runName', value: 'first' },
        { key: 'mlflow.user', value: 'ana' },
      ],
    });
    expect(await getRun(run.info.run_id)).toEqual(run);
  });

  it('names an unnamed run, and defaults to the Default experiment', async () => {
    const res = await t.post(`${API}/runs/create`, {});
    expect(res.status).toBe(200);
    expect(res.body.run.info.experiment_id).toBe('0');
    expect(res.body.run.info.run_name).toMatch(/^[a-z]+-[a-z]+-\d+$/);
  });

  it('refuses a run in an unknown experiment and contradictory names', async () => {
    const unknown = await t.post(`${API}/runs/create`, { experiment_id: '12345' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    const clash = await t.post(`${API}/runs/create`, {
      experiment_id: experimentId,
      run_name: 'a',
      tags: [{ key: 'mlflow.runName', value: 'b' }],
    });
    expect(clash.status).toBe(400);
    expect(clash.body.error_code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('updates status, end time and name', async () => {
    const run = await createRun();
    const res = await t.post(`${API}/runs/update`, {
      run_id: run.info.run_id,
      status: 'FINISHED',
      end_time: 1_700_000_001_000,
      run_name: 'renamed',
    });
    expect(res.status).toBe(200);
    expect(res.body.run_info).toMatchObject({ status: 'FINISHED', end_time: 1_700_000_001_000, run_name: 'renamed' });
    const after = await getRun(run.info.run_id);
    expect(after.data.tags).toContainEqual({ key: 'mlflow.runName', value: 'renamed' });
    const bad = await t.post(`${API}/runs/update`, { run_id: run.info.run_id, status: 'DONE' });
    expect(bad.status).toBe(400);
    expect(bad.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    const missing = await t.post(`${API}/runs/update`, { run_id: 'f'.repeat(32), status: 'FINISHED' });
    expect(missing.status).toBe(404);
  });

  it('logs metrics, params and tags one at a time and in batches', async () => {
    const run = await createRun();
    const run_id = run.info.run_id;
    const ok = (res: { status: number; body: unknown }) => expect(res).toEqual({ status: 200, body: {} });
    ok(await t.post(`${API}/runs/log-metric`, { run_id, key: 'loss', value: 0.7, timestamp: 10, step: 0 }));
    ok(await t.post(`${API}/runs/log-metric`, { run_uuid: run_id, key: 'loss', value: 'NaN', timestamp: 11, step: 1 }));
    ok(await t.post(`${API}/runs/log-parameter`, { run_id, key: 'lr', value: '0.01' }));
    ok(await t.post(`${API}/runs/set-tag`, { run_id, key: 'stage', value: 'dev' }));
    ok(
      await t.post(`${API}/runs/log-batch`, {
        run_id,
        metrics: [
          { key: 'loss', value: 0.5, timestamp: 12, step: 2 },
          { key: 'acc', value: 0.9, timestamp: '12', step: '2' },
        ],
        params: [{ key: 'epochs', value: '3' }],
        tags: [{ key: 'stage', value: 'prod' }],
      }),
    );
    const got = await getRun(run_id);
    expect(got.data.metrics).toEqual([
      { key: 'acc', value: 0.9, timestamp: 12, step: 2 },
      { key: 'loss', value: 0.5, timestamp: 12, step: 2 },
    ]);
    expect(got.data.params).toEqual([
      { key: 'epochs', value: '3' },
      { key: 'lr', value: '0.01' },
    ]);
    expect(got.data.tags).toContainEqual({ key: 'stage', value: 'prod' });

    const history = await t.get(`${API}/metrics/get-history`, { run_id, metric_key: 'loss' });
    expect(history).toEqual({
      status: 200,
      body: {
        metrics: [
          { key: 'loss', value: 0.7, timestamp: 10, step: 0 },
          { key: 'loss', value: 'NaN', timestamp: 11, step: 1 },
          { key: 'loss', value: 0.5, timestamp: 12, step: 2 },
        ],
      },
    });
  });

  it('keeps a param immutable: same value again is fine, another value is INVALID_PARAMETER_VALUE', async () => {
    const run_id = (await createRun()).info.run_id;
    expect((await t.post(`${API}/runs/log-parameter`, { run_id, key: 'lr', value: '0.1' })).status).toBe(200);
    expect((await t.post(`${API}/runs/log-parameter`, { run_id, key: 'lr', value: '0.1' })).status).toBe(200);
    const changed = await t.post(`${API}/runs/log-parameter`, { run_id, key: 'lr', value: '0.2' });
    expect(changed.status).toBe(400);
    expect(changed.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(changed.body.message).toContain('Changing param values is not allowed');
    expect((await getRun(run_id)).data.params).toEqual([{ key: 'lr', value: '0.1' }]);
  });

  it('writes nothing of a rejected batch', async () => {
    const run_id = (await createRun()).info.run_id;
    await t.post(`${API}/runs/log-parameter`, { run_id, key: 'lr', value: '0.1' });
    const rejected = [
      // a param changing value, after valid metrics and tags
      {
        metrics: [{ key: 'm', value: 1, timestamp: 1 }],
        tags: [{ key: 't', value: 'x' }],
        params: [{ key: 'lr', value: '0.3' }],
      },
      // duplicate param keys
      {
        metrics: [{ key: 'm', value: 1, timestamp: 1 }],
        params: [
          { key: 'a', value: '1' },
          { key: 'a', value: '2' },
        ],
      },
      // one bad metric among good ones
      {
        metrics: [
          { key: 'm', value: 1, timestamp: 1 },
          { key: 'm', value: 'high', timestamp: 2 },
        ],
      },
      // a key outside MLflow's grammar
      { metrics: [{ key: 'm', value: 1, timestamp: 1 }], tags: [{ key: '../etc', value: 'x' }] },
      // over the batch limits
      { metrics: Array.from({ length: 1001 }, (_, i) => ({ key: 'm', value: i, timestamp: 1, step: i })) },
      { params: Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: 'v' })) },
    ];
    for (const body of rejected) {
      const res = await t.post(`${API}/runs/log-batch`, { run_id, ...body });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
    const after = await getRun(run_id);
    expect(after.data.metrics).toEqual([]);
    expect(after.data.params).toEqual([{ key: 'lr', value: '0.1' }]);
    expect(after.data.tags.map((tag: { key: string }) => tag.key)).toEqual(['mlflow.runName']);
    const history = await t.get(`${API}/metrics/get-history`, { run_id, metric_key: 'm' });
    expect(history.body.metrics).toEqual([]);
  });

  it('accepts a batch exactly at the limits', async () => {
    const run_id = (await createRun()).info.run_id;
    const res = await t.post(`${API}/runs/log-batch`, {
      run_id,
      metrics: Array.from({ length: 900 }, (_, i) => ({ key: 'm', value: i, timestamp: 1, step: i })),
      params: Array.from({ length: 100 }, (_, i) => ({ key: `p${i}`, value: 'v'.repeat(6000) })),
    });
    expect(res.status).toBe(200);
    const tooLong = await t.post(`${API}/runs/log-parameter`, { run_id, key: 'big', value: 'v'.repeat(6001) });
    expect(tooLong.status).toBe(400);
    const longKey = await t.post(`${API}/runs/set-tag`, { run_id, key: 'k'.repeat(251), value: 'v' });
    expect(longKey.status).toBe(400);
  });

  it('answers logging to an unknown run with RESOURCE_DOES_NOT_EXIST (404)', async () => {
    for (const [path, body] of [
      ['log-metric', { key: 'm', value: 1, timestamp: 1 }],
      ['log-parameter', { key: 'p', value: '1' }],
      ['set-tag', { key: 't', value: '1' }],
      ['log-batch', { metrics: [{ key: 'm', value: 1, timestamp: 1 }] }],
    ] as const) {
      const res = await t.post(`${API}/runs/${path}`, { run_id: '0'.repeat(32), ...body });
      expect(res.status, path).toBe(404);
      expect(res.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    }
    expect((await t.get(`${API}/runs/get`, { run_id: '0'.repeat(32) })).status).toBe(404);
    expect((await t.get(`${API}/metrics/get-history`, { run_id: '0'.repeat(32), metric_key: 'm' })).status).toBe(404);
    const noId = await t.get(`${API}/runs/get`);
    expect(noId.status).toBe(400);
    expect(noId.body.message).toContain("'run_id'");
  });

  it('pages get-history with page tokens and refuses max_results over 25,000', async () => {
    const run_id = (await createRun()).info.run_id;
    await t.post(`${API}/runs/log-batch`, {
      run_id,
      metrics: Array.from({ length: 250 }, (_, i) => ({ key: 'x', value: i, timestamp: 5, step: i })),
    });
    const seen: number[] = [];
    let page_token: string | undefined;
    do {
      const res = await t.get(`${API}/metrics/get-history`, {
        run_id,
        metric_key: 'x',
        max_results: '100',
        ...(page_token ? { page_token } : {}),
      });
      expect(res.status).toBe(200);
      seen.push(...res.body.metrics.map((m: { step: number }) => m.step));
      page_token = res.body.next_page_token;
    } while (page_token);
    expect(seen).toEqual(Array.from({ length: 250 }, (_, i) => i));
    const tooMany = await t.get(`${API}/metrics/get-history`, { run_id, metric_key: 'x', max_results: '25001' });
    expect(tooMany.status).toBe(400);
  });

  it('loses no point with 8 log-batch streams in parallel and never reports a locked database', async () => {
    const runIds = await Promise.all(Array.from({ length: 8 }, async () => (await createRun()).info.run_id));
    const statuses: number[] = [];
    await Promise.all(
      runIds.map(async (run_id) => {
        for (let b = 0; b < 12; b++) {
          const res = await t.post(`${API}/runs/log-batch`, {
            run_id,
            metrics: Array.from({ length: 1000 }, (_, i) => ({
              key: i % 2 ? 'loss' : 'acc',
              value: Math.random(),
              timestamp: 1000 + b,
              step: b * 1000 + i,
            })),
          });
          statuses.push(res.status);
        }
      }),
    );
    expect(new Set(statuses)).toEqual(new Set([200]));
    for (const run_id of runIds) {
      const loss = await t.get(`${API}/metrics/get-history`, { run_id, metric_key: 'loss' });
      const acc = await t.get(`${API}/metrics/get-history`, { run_id, metric_key: 'acc' });
      expect(loss.body.metrics.length + acc.body.metrics.length).toBe(12_000);
      const run = await getRun(run_id);
      expect(run.data.metrics.find((m: { key: string }) => m.key === 'loss').step).toBe(11_999);
    }
  });
});
