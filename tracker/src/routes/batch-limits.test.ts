import { beforeAll, describe, expect, it } from 'vitest';
import { API, useTrackerFixture } from '../testing/tracker-fixture.ts';

describe("MLflow's logging limits, at each boundary and one past it", () => {
  const t = useTrackerFixture();
  let run_id: string;

  beforeAll(async () => {
    run_id = (await t.post(`${API}/runs/create`, {})).body.run.info.run_id;
  });

  const metrics = (n: number, key = 'm') =>
    Array.from({ length: n }, (_, i) => ({ key, value: i, timestamp: 1, step: i }));
  const kv = (n: number, prefix: string, value = 'v') =>
    Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value }));
  const batch = (body: Record<string, unknown>) => t.post(`${API}/runs/log-batch`, { run_id, ...body });
  const counts = async () => {
    const run = (await t.get(`${API}/runs/get`, { run_id })).body.run;
    const { rows } = await t.store.client.execute({
      sql: 'SELECT count(*) AS n FROM metrics WHERE run_uuid = ?',
      args: [run_id],
    });
    return { points: Number(rows[0]!.n), params: run.data.params.length, tags: run.data.tags.length };
  };

  it('refuses one past each limit and writes nothing', async () => {
    const before = await counts();
    const over: Record<string, unknown>[] = [
      { metrics: metrics(1001) },
      { params: kv(101, 'p') },
      { tags: kv(101, 't') },
      { metrics: metrics(900), params: kv(100, 'p'), tags: kv(1, 't') }, // 1,001 items
      { tags: [{ key: 't', value: 'v'.repeat(5001) }] },
      { params: [{ key: 'p', value: 'v'.repeat(6001) }] },
      { metrics: [{ key: 'k'.repeat(251), value: 1, timestamp: 1 }] },
      {
        tags: [
          { key: 'dup', value: 'a' },
          { key: 'dup', value: 'b' },
        ],
      },
    ];
    for (const body of over) {
      const res = await batch(body);
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
    expect(await counts()).toEqual(before);
  });

  it('accepts each limit exactly', async () => {
    expect((await batch({ metrics: metrics(1000) })).status).toBe(200);
    expect((await batch({ tags: kv(100, 't', 'v'.repeat(5000)) })).status).toBe(200);
    expect(
      (await batch({ metrics: metrics(800, 'n'), params: kv(100, 'p', 'v'.repeat(6000)), tags: kv(100, 'u') })).status,
    ).toBe(200);
    expect((await batch({ metrics: [{ key: 'k'.repeat(250), value: 1, timestamp: 1 }] })).status).toBe(200);
    expect(await counts()).toEqual({ points: 1801, params: 100, tags: 201 });
  });

  it('caps search page sizes as MLflow does', async () => {
    expect((await t.post(`${API}/runs/search`, { experiment_ids: ['0'], max_results: 50_000 })).status).toBe(200);
    expect((await t.post(`${API}/runs/search`, { experiment_ids: ['0'], max_results: 50_001 })).status).toBe(400);
    expect((await t.post(`${API}/runs/search`, { experiment_ids: ['0'], max_results: 0 })).status).toBe(400);
    expect((await t.get(`${API}/registered-models/search`, { max_results: '1000' })).status).toBe(200);
    expect((await t.get(`${API}/model-versions/search`, { max_results: '200001' })).status).toBe(400);
  });
});
