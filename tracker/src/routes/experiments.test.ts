import { describe, expect, it } from 'vitest';
import { API, useTrackerFixture } from '../testing/tracker-fixture.ts';

describe('experiments routes', () => {
  const t = useTrackerFixture();

  it('has the Default experiment with id "0"', async () => {
    const res = await t.get(`${API}/experiments/get`, { experiment_id: '0' });
    expect(res.status).toBe(200);
    expect(res.body.experiment).toMatchObject({
      experiment_id: '0',
      name: 'Default',
      lifecycle_stage: 'active',
      artifact_location: 'mlflow-artifacts:/0',
    });
  });

  it('creates an experiment and finds it by id and by name', async () => {
    const created = await t.post(`${API}/experiments/create`, {
      name: 'fraud',
      tags: [{ key: 'owner', value: 'ana' }],
    });
    expect(created.status).toBe(200);
    const id = created.body.experiment_id;
    expect(id).toMatch(/^[1-9]\d*$/);
    const byId = await t.get(`${API}/experiments/get`, { experiment_id: id });
    const byName = await t.get(`${API}/experiments/get-by-name`, { experiment_name: 'fraud' });
    expect(byName.body).toEqual(byId.body);
    expect(byId.body.experiment).toMatchObject({ name: 'fraud', tags: [{ key: 'owner', value: 'ana' }] });
    expect(typeof byId.body.experiment.creation_time).toBe('number');
  });

  it('refuses a second experiment with the same name (RESOURCE_ALREADY_EXISTS, 400)', async () => {
    await t.post(`${API}/experiments/create`, { name: 'twice' });
    const again = await t.post(`${API}/experiments/create`, { name: 'twice' });
    expect(again.status).toBe(400);
    expect(again.body.error_code).toBe('RESOURCE_ALREADY_EXISTS');
  });

  it('answers unknown experiments with RESOURCE_DOES_NOT_EXIST (404)', async () => {
    for (const res of [
      await t.get(`${API}/experiments/get`, { experiment_id: '999' }),
      await t.get(`${API}/experiments/get`, { experiment_id: 'abc' }),
      await t.get(`${API}/experiments/get-by-name`, { experiment_name: 'nope' }),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    }
    const missing = await t.get(`${API}/experiments/get`);
    expect(missing.status).toBe(400);
    expect(missing.body.message).toBe(
      "Missing value for required parameter 'experiment_id'. See the API docs for more information about request parameters.",
    );
  });

  it('makes a relative local artifact_location absolute, as MLflow does, and keeps any other as it is', async () => {
    const cwd = process.cwd();
    const cases: [string, string][] = [
      ['relative/artifacts', `${cwd}/relative/artifacts`],
      ['./here//there', `${cwd}/here/there`],
      ['file:rel/dir?x=1', `file://${cwd}/rel/dir?x=1`],
      ['/abs/artifacts', '/abs/artifacts'],
      ['file:///abs/artifacts', 'file:///abs/artifacts'],
      ['s3://bucket/path', 's3://bucket/path'],
    ];
    for (const [i, [given, stored]] of cases.entries()) {
      const created = await t.post(`${API}/experiments/create`, { name: `located-${i}`, artifact_location: given });
      expect(created.status, given).toBe(200);
      const got = await t.get(`${API}/experiments/get`, { experiment_id: created.body.experiment_id });
      expect(got.body.experiment.artifact_location, given).toBe(stored);
    }
    const traversal = await t.post(`${API}/experiments/create`, {
      name: 'sneaky',
      artifact_location: 's3://bucket/path?x=%252e%252e/',
    });
    expect(traversal).toEqual({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE', message: 'Invalid query string' },
    });
  });
});
