import { describe, expect, it } from 'vitest';
import { logModelRun, modelFiles } from '../testing/model-files.ts';
import { API, useTrackerFixture } from '../testing/tracker-fixture.ts';

describe('registered models, model versions and aliases', () => {
  const t = useTrackerFixture();

  it('creates and gets a registered model; a duplicate is RESOURCE_ALREADY_EXISTS', async () => {
    const created = await t.post(`${API}/registered-models/create`, {
      name: 'churn',
      description: 'who leaves',
      tags: [{ key: 'team', value: 'growth' }],
    });
    expect(created.status).toBe(200);
    expect(created.body.registered_model).toMatchObject({
      name: 'churn',
      description: 'who leaves',
      latest_versions: [],
      tags: [{ key: 'team', value: 'growth' }],
      aliases: [],
    });
    const got = await t.get(`${API}/registered-models/get`, { name: 'churn' });
    expect(got.body).toEqual(created.body);
    const dup = await t.post(`${API}/registered-models/create`, { name: 'churn' });
    expect(dup.status).toBe(400);
    expect(dup.body.error_code).toBe('RESOURCE_ALREADY_EXISTS');
    expect((await t.get(`${API}/registered-models/get`, { name: 'nope' })).status).toBe(404);
    for (const name of ['a/b', '..', ' padded']) {
      const bad = await t.post(`${API}/registered-models/create`, { name });
      expect(bad.status, name).toBe(400);
      expect(bad.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
  });

  it('creates versions 1, 2… copying the source files under models/<name>/<version>/', async () => {
    await t.post(`${API}/registered-models/create`, { name: 'fraud' });
    const runId = await logModelRun(t, modelFiles('one'));
    const v1 = await t.post(`${API}/model-versions/create`, {
      name: 'fraud',
      source: `runs:/${runId}/model`,
      run_id: runId,
      description: 'first',
    });
    expect(v1.status).toBe(200);
    expect(v1.body.model_version).toMatchObject({
      name: 'fraud',
      version: '1',
      source: `runs:/${runId}/model`,
      run_id: runId,
      status: 'READY',
      current_stage: 'None',
      description: 'first',
      aliases: [],
    });
    const keys = (await t.edge.blobs.list('models/fraud/1/')).map((b) => b.key);
    expect(keys).toEqual([
      'models/fraud/1/group1-shard1of2.bin',
      'models/fraud/1/group1-shard2of2.bin',
      'models/fraud/1/model.json',
      'models/fraud/1/signature.json',
    ]);

    // the copy is immutable: changing the run's artifacts later does not touch version 1
    await t.app.request(`/api/2.0/mlflow-artifacts/artifacts/0/${runId}/artifacts/model/model.json`, {
      method: 'PUT',
      body: '{"changed":true}',
    });
    expect(new TextDecoder().decode((await t.edge.blobs.get('models/fraud/1/model.json'))!)).toContain('"one"');

    const v2 = await t.post(`${API}/model-versions/create`, {
      name: 'fraud',
      source: `mlflow-artifacts:/0/${runId}/artifacts/model`,
    });
    expect(v2.body.model_version.version).toBe('2');
    expect((await t.edge.blobs.list('models/fraud/2/')).length).toBe(4);

    const got = await t.get(`${API}/model-versions/get`, { name: 'fraud', version: '1' });
    expect(got.body.model_version).toEqual(v1.body.model_version);
    const model = await t.get(`${API}/registered-models/get`, { name: 'fraud' });
    expect(model.body.registered_model.latest_versions.map((v: { version: string }) => v.version)).toEqual(['2']);
  });

  it('accepts a source with no files (MLflow accepts any source)', async () => {
    await t.post(`${API}/registered-models/create`, { name: 'elsewhere' });
    const res = await t.post(`${API}/model-versions/create`, { name: 'elsewhere', source: 's3://bucket/model' });
    expect(res.status).toBe(200);
    expect(res.body.model_version).toMatchObject({ version: '1', status: 'READY' });
    expect(await t.edge.blobs.list('models/elsewhere/')).toEqual([]);
  });

  it('refuses versions of unknown models and traversal in the source, writing nothing', async () => {
    const unknownModel = await t.post(`${API}/model-versions/create`, { name: 'ghost', source: 's3://x/model' });
    expect(unknownModel.status).toBe(404);
    expect(unknownModel.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    await t.post(`${API}/registered-models/create`, { name: 'strict' });
    const traversal = await t.post(`${API}/model-versions/create`, {
      name: 'strict',
      source: 'mlflow-artifacts:/0/../../models/fraud/1',
    });
    expect(traversal.status).toBe(400);
    expect(traversal.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    const model = await t.get(`${API}/registered-models/get`, { name: 'strict' });
    expect(model.body.registered_model.latest_versions).toEqual([]);
    expect((await t.get(`${API}/model-versions/get`, { name: 'strict', version: '1' })).status).toBe(404);
    const badVersion = await t.get(`${API}/model-versions/get`, { name: 'strict', version: 'one' });
    expect(badVersion.status).toBe(400);
  });

  it('sets, gets and deletes an ordinary alias', async () => {
    const set = await t.post(`${API}/registered-models/alias`, { name: 'fraud', alias: 'champion', version: '1' });
    expect(set).toEqual({ status: 200, body: {} });
    const got = await t.get(`${API}/registered-models/alias`, { name: 'fraud', alias: 'champion' });
    expect(got.body.model_version).toMatchObject({ name: 'fraud', version: '1', aliases: ['champion'] });
    const model = await t.get(`${API}/registered-models/get`, { name: 'fraud' });
    expect(model.body.registered_model.aliases).toEqual([{ alias: 'champion', version: '1' }]);

    // moving it
    await t.post(`${API}/registered-models/alias`, { name: 'fraud', alias: 'champion', version: '2' });
    expect(
      (await t.get(`${API}/registered-models/alias`, { name: 'fraud', alias: 'champion' })).body.model_version.version,
    ).toBe('2');

    const del = await t.post(`${API}/registered-models/alias?name=fraud&alias=champion`, undefined, {
      method: 'DELETE',
    });
    expect(del).toEqual({ status: 200, body: {} });
    // MLflow's answer for an alias that is not there
    const gone = await t.get(`${API}/registered-models/alias`, { name: 'fraud', alias: 'champion' });
    expect(gone).toEqual({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE', message: 'Registered model alias champion not found.' },
    });
    const noModel = await t.get(`${API}/registered-models/alias`, { name: 'ghost', alias: 'champion' });
    expect(noModel.body).toEqual(gone.body);
  });

  it('refuses aliases on unknown versions and reserved alias names', async () => {
    const unknown = await t.post(`${API}/registered-models/alias`, { name: 'fraud', alias: 'x', version: '99' });
    expect(unknown.status).toBe(404);
    for (const alias of ['latest', 'v3', 'has space']) {
      const res = await t.post(`${API}/registered-models/alias`, { name: 'fraud', alias, version: '1' });
      expect(res.status, alias).toBe(400);
      expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
    const delUnknownModel = await t.post(
      `${API}/registered-models/alias`,
      { name: 'ghost', alias: 'x' },
      { method: 'DELETE' },
    );
    expect(delUnknownModel.status).toBe(404);
  });
});
