import { describe, expect, it } from 'vitest';
import { API, useTrackerFixture } from './testing/tracker-fixture.ts';

describe('tracker app', () => {
  const t = useTrackerFixture();

  it('answers /health', async () => {
    expect(await t.get('/health')).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('answers unknown API paths and wrong methods with ENDPOINT_NOT_FOUND', async () => {
    const unknown = await t.get(`${API}/runs/nope`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error_code).toBe('ENDPOINT_NOT_FOUND');
    const wrongMethod = await t.get(`${API}/runs/create`);
    expect(wrongMethod.status).toBe(404);
    expect(wrongMethod.body.error_code).toBe('ENDPOINT_NOT_FOUND');
  });

  it('answers malformed JSON with 400 MALFORMED_REQUEST and writes nothing', async () => {
    const res = await t.app.request(`${API}/experiments/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name": "half',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error_code: 'MALFORMED_REQUEST' });
    const arr = await t.post(`${API}/experiments/create`, ['x']);
    expect(arr.status).toBe(400);
    expect((await t.get(`${API}/experiments/get-by-name`, { experiment_name: 'half' })).status).toBe(404);
  });

  it('answers a schema mismatch with 400 INVALID_PARAMETER_VALUE naming the parameter', async () => {
    const missing = await t.post(`${API}/experiments/create`, {});
    expect(missing).toEqual({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE', message: "Missing value for required parameter 'name'." },
    });
    const wrongType = await t.post(`${API}/experiments/create`, { name: 42 });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.message).toContain("'name'");
  });

  it('serves the same API under /ajax-api/2.0/mlflow, as MLflow does', async () => {
    const created = await t.post('/ajax-api/2.0/mlflow/experiments/create', { name: 'via-ajax' });
    expect(created.status).toBe(200);
    const got = await t.get(`${API}/experiments/get`, { experiment_id: created.body.experiment_id });
    expect(got.body.experiment.name).toBe('via-ajax');
  });
});
