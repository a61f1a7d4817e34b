import { beforeAll, describe, expect, it } from 'vitest';
import { API, useTrackerFixture } from '../testing/tracker-fixture.ts';

describe('metrics routes', () => {
  const t = useTrackerFixture();
  let runId: string;

  beforeAll(async () => {
    runId = (await t.post(`${API}/runs/create`, { experiment_id: '0' })).body.run.info.run_id;
  });

  it('answers get-history as JSON with MLflow shapes: NaN and ±Infinity as strings, exact doubles', async () => {
    await t.post(`${API}/runs/log-batch`, {
      run_id: runId,
      metrics: [
        { key: 'v', value: 'NaN', timestamp: 5, step: 0 },
        { key: 'v', value: 0.1 + 0.2, timestamp: 5, step: 1 },
        { key: 'v', value: 'Infinity', timestamp: 5, step: 2 },
        { key: 'v', value: '-Infinity', timestamp: 5, step: 3 },
      ],
    });
    const res = await t.app.request(`${API}/metrics/get-history?run_id=${runId}&metric_key=v`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({
      metrics: [
        { key: 'v', value: 'NaN', timestamp: 5, step: 0 },
        { key: 'v', value: 0.30000000000000004, timestamp: 5, step: 1 },
        { key: 'v', value: 'Infinity', timestamp: 5, step: 2 },
        { key: 'v', value: '-Infinity', timestamp: 5, step: 3 },
      ],
    });
  });

  it('pages 25,000 points a page by default with keyset tokens, and refuses a forged token', async () => {
    for (let b = 0; b < 30; b++) {
      const res = await t.post(`${API}/runs/log-batch`, {
        run_id: runId,
        metrics: Array.from({ length: 1000 }, (_, i) => ({ key: 'big', value: i, timestamp: 1, step: b * 1000 + i })),
      });
      expect(res.status).toBe(200);
    }
    const first = await t.get(`${API}/metrics/get-history`, { run_id: runId, metric_key: 'big' });
    expect(first.body.metrics).toHaveLength(25_000);
    expect(first.body.next_page_token).toEqual(expect.any(String));
    const second = await t.get(`${API}/metrics/get-history`, {
      run_id: runId,
      metric_key: 'big',
      page_token: first.body.next_page_token,
    });
    expect(second.body.metrics.map((m: { step: number }) => m.step)).toEqual(
      Array.from({ length: 5000 }, (_, i) => 25_000 + i),
    );
    expect(second.body.next_page_token).toBeUndefined();
    const forged = await t.get(`${API}/metrics/get-history`, {
      run_id: runId,
      metric_key: 'big',
      page_token: 'eyJ4IjoxfQ',
    });
    expect(forged.status).toBe(400);
    expect(forged.body.error_code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('answers 16 concurrent log-metric requests, a bad one failing alone', async () => {
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        t.post(`${API}/runs/log-metric`, {
          run_id: i === 7 ? 'f'.repeat(32) : runId,
          key: 'c',
          value: i,
          timestamp: 9,
          step: i,
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 16 }, (_, i) => (i === 7 ? 404 : 200)));
    const history = await t.get(`${API}/metrics/get-history`, { run_id: runId, metric_key: 'c' });
    expect(history.body.metrics.map((m: { step: number }) => m.step)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15,
    ]);
    const run = (await t.get(`${API}/runs/get`, { run_id: runId })).body.run;
    expect(run.data.metrics.find((m: { key: string }) => m.key === 'c')).toEqual({
      key: 'c',
      value: 15,
      timestamp: 9,
      step: 15,
    });
  });
});
