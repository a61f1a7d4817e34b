import { beforeAll, describe, expect, it } from 'vitest';
import { EDGE_TAGS, logModelRun, modelFiles, registerVersion } from '../testing/model-files.ts';
import { API, useTrackerFixture } from '../testing/tracker-fixture.ts';

describe('registry: rename, update, delete, search, stages, tags', () => {
  const t = useTrackerFixture();
  let runId: string;

  beforeAll(async () => {
    runId = await logModelRun(t, modelFiles('a'));
  });

  const del = (path: string, body: unknown) => t.post(path, body, { method: 'DELETE' });
  const patch = (path: string, body: unknown) => t.post(path, body, { method: 'PATCH' });
  const pointer = async (name: string) => {
    const raw = await t.edge.kv.get(`pointer/${name}`);
    return raw ? (JSON.parse(raw) as { version: string }) : null;
  };
  const files = async (prefix: string) => (await t.edge.blobs.list(prefix)).map((b) => b.key.slice(prefix.length));

  it('searches registered models by name and tag, pages, and gets latest versions by stage', async () => {
    for (const name of ['fraud-a', 'fraud-b', 'churn']) {
      await t.post(`${API}/registered-models/create`, {
        name,
        tags: [{ key: 'team', value: name.startsWith('fraud') ? 'risk' : 'growth' }],
      });
    }
    const page1 = await t.get(`${API}/registered-models/search`, { max_results: '2' });
    expect(page1.body.registered_models.map((m: { name: string }) => m.name)).toEqual(['churn', 'fraud-a']);
    const page2 = await t.get(`${API}/registered-models/search`, {
      max_results: '2',
      page_token: page1.body.next_page_token,
    });
    expect(page2.body).toEqual({ registered_models: [expect.objectContaining({ name: 'fraud-b' })] });
    const risk = await t.get(`${API}/registered-models/search`, {
      filter: "name LIKE 'fraud%' and tags.team = 'risk'",
      order_by: 'name DESC',
    });
    expect(risk.body.registered_models.map((m: { name: string }) => m.name)).toEqual(['fraud-b', 'fraud-a']);
    expect((await t.get(`${API}/registered-models/search`, { max_results: '1001' })).status).toBe(400);
    expect((await t.get(`${API}/registered-models/search`, { filter: "name = 'x' OR 1=1" })).body.error_code).toBe(
      'INVALID_PARAMETER_VALUE',
    );

    const v1 = await registerVersion(t, 'churn', runId);
    const v2 = await registerVersion(t, 'churn', runId);
    await t.post(`${API}/model-versions/transition-stage`, { name: 'churn', version: v1, stage: 'staging' });
    const latest = await t.post(`${API}/registered-models/get-latest-versions`, { name: 'churn' });
    expect(
      latest.body.model_versions.map((v: { version: string; current_stage: string }) => [v.version, v.current_stage]),
    ).toEqual([
      ['1', 'Staging'],
      ['2', 'None'],
    ]);
    const staging = await t.app.request(`${API}/registered-models/get-latest-versions?name=churn&stages=Staging`);
    expect(
      ((await staging.json()) as { model_versions: { version: string }[] }).model_versions.map((v) => v.version),
    ).toEqual([v1]);
    expect(
      (await t.post(`${API}/registered-models/get-latest-versions`, { name: 'churn', stages: ['Live'] })).status,
    ).toBe(400);
    expect(v2).toBe('2');
  });

  it('updates descriptions, sets and deletes tags on models and versions', async () => {
    const model = await patch(`${API}/registered-models/update`, { name: 'fraud-a', description: 'card fraud' });
    expect(model.body.registered_model).toMatchObject({ name: 'fraud-a', description: 'card fraud' });
    const version = await registerVersion(t, 'fraud-a', runId);
    const mv = await patch(`${API}/model-versions/update`, { name: 'fraud-a', version, description: 'first' });
    expect(mv.body.model_version).toMatchObject({ version, description: 'first' });
    expect(
      (await t.post(`${API}/registered-models/set-tag`, { name: 'fraud-a', key: 'owner', value: 'ana' })).status,
    ).toBe(200);
    expect(
      (await t.post(`${API}/model-versions/set-tag`, { name: 'fraud-a', version, key: 'validated', value: 'yes' }))
        .status,
    ).toBe(200);
    expect((await t.get(`${API}/model-versions/get`, { name: 'fraud-a', version })).body.model_version.tags).toEqual([
      { key: 'validated', value: 'yes' },
    ]);
    const byTag = await t.get(`${API}/model-versions/search`, { filter: "tags.validated = 'yes'" });
    expect(byTag.body.model_versions.map((v: { name: string }) => v.name)).toEqual(['fraud-a']);
    expect((await del(`${API}/model-versions/delete-tag`, { name: 'fraud-a', version, key: 'validated' })).status).toBe(
      200,
    );
    expect((await del(`${API}/model-versions/delete-tag`, { name: 'fraud-a', version, key: 'validated' })).status).toBe(
      404,
    );
    expect((await del(`${API}/registered-models/delete-tag`, { name: 'fraud-a', key: 'owner' })).status).toBe(200);
    expect(
      (await t.app.request(`${API}/registered-models/delete-tag?name=fraud-a&key=owner`, { method: 'DELETE' })).status,
    ).toBe(404);
    expect((await t.post(`${API}/registered-models/set-tag`, { name: 'nope', key: 'k', value: 'v' })).status).toBe(404);
    expect(
      (await t.post(`${API}/registered-models/set-tag`, { name: 'fraud-a', key: 'k', value: 'v'.repeat(5001) })).status,
    ).toBe(400);
    const uri = await t.get(`${API}/model-versions/get-download-uri`, { name: 'fraud-a', version });
    expect(uri.body).toEqual({ artifact_uri: `runs:/${runId}/model` });
  });

  it('searches model versions by name, run_id and source, newest first, paged', async () => {
    const res = await t.get(`${API}/model-versions/search`, {
      filter: `name = 'churn' and run_id = '${runId}'`,
      order_by: 'version_number DESC',
    });
    expect(res.body.model_versions.map((v: { version: string }) => v.version)).toEqual(['2', '1']);
    const p1 = await t.get(`${API}/model-versions/search`, { filter: "source_path LIKE 'runs:/%'", max_results: '2' });
    const p2 = await t.get(`${API}/model-versions/search`, {
      filter: "source_path LIKE 'runs:/%'",
      max_results: '2',
      page_token: p1.body.next_page_token,
    });
    const all = [...p1.body.model_versions, ...p2.body.model_versions].map(
      (v: { name: string; version: string }) => `${v.name}/${v.version}`,
    );
    expect(new Set(all).size).toBe(3);
    expect(p2.body.next_page_token).toBeUndefined();
    expect((await t.get(`${API}/model-versions/search`, { filter: 'run_id LIKE 1' })).status).toBe(400);
  });

  it('refuses an order_by it cannot sort by, and a number no double can hold, in registry searches', async () => {
    const cases: [string, Record<string, string>, RegExp][] = [
      [
        'registered-models',
        { order_by: 'tags.team' },
        /cannot order registered models by tag 'team' .*ordered by name, creation_timestamp, last_updated_timestamp/,
      ],
      ['registered-models', { filter: 'creation_timestamp < 1e400' }, /the number 1e400 .* is out of range/],
      [
        'model-versions',
        { order_by: 'tags.x DESC' },
        /cannot order model versions by tag 'x' .*ordered by name, version_number, current_stage, /,
      ],
      ['model-versions', { filter: "name = 'churn' and version_number > -1e400" }, /the number -1e400 .* out of range/],
    ];
    for (const [path, query, message] of cases) {
      const res = await t.get(`${API}/${path}/search`, query);
      expect(res.status, `${path} ${JSON.stringify(query)}`).toBe(400);
      expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(res.body.message).toMatch(message);
    }
  });

  it('transition to Production promotes a model opted in to the edge; archiving or deleting the served version is refused', async () => {
    const name = 'fraud-b';
    await t.post(`${API}/registered-models/set-tag`, { name, ...EDGE_TAGS[0] });
    const v1 = await registerVersion(t, name, runId);
    const v2 = await registerVersion(t, name, runId);
    const prod = await t.post(`${API}/model-versions/transition-stage`, {
      name,
      version: v1,
      stage: 'Production',
      archive_existing_versions: false,
    });
    expect(prod.status, JSON.stringify(prod.body)).toBe(200);
    expect(prod.body.model_version).toMatchObject({
      version: v1,
      current_stage: 'Production',
      aliases: ['production'],
    });
    expect((await pointer(name))?.version).toBe(v1);

    const archive = await t.post(`${API}/model-versions/transition-stage`, { name, version: v1, stage: 'Archived' });
    expect(archive.status).toBe(400);
    expect(archive.body.error_code).toBe('INVALID_STATE');
    expect((await del(`${API}/model-versions/delete`, { name, version: v1 })).body.error_code).toBe('INVALID_STATE');
    expect((await del(`${API}/registered-models/delete`, { name })).body.error_code).toBe('INVALID_STATE');
    expect((await t.post(`${API}/registered-models/rename`, { name, new_name: 'fraud-c' })).body.error_code).toBe(
      'INVALID_STATE',
    );
    expect(
      (await t.post(`${API}/model-versions/transition-stage`, { name, version: v1, stage: 'Gold' })).body.message,
    ).toMatch(/Invalid Model Version stage: Gold/);

    // another version takes its place: v1 archived with it
    const next = await t.post(`${API}/model-versions/transition-stage`, {
      name,
      version: v2,
      stage: 'production',
      archive_existing_versions: 'true',
    });
    expect(next.status).toBe(200);
    expect((await pointer(name))?.version).toBe(v2);
    expect((await t.get(`${API}/model-versions/get`, { name, version: v1 })).body.model_version.current_stage).toBe(
      'Archived',
    );
    // now v1 is not live: it may go
    expect((await del(`${API}/model-versions/delete`, { name, version: v1 })).status).toBe(200);
    expect(await files(`models/${name}/${v1}/`)).toEqual([]);
    expect((await t.get(`${API}/model-versions/get`, { name, version: v1 })).status).toBe(404);
    // a deleted version's number is never given again
    expect(await registerVersion(t, name, runId)).toBe('3');
  });

  it('refuses a promotion whose files fail the check, changing nothing', async () => {
    const name = 'no-files';
    await t.post(`${API}/registered-models/create`, { name, tags: EDGE_TAGS });
    const v = (await t.post(`${API}/model-versions/create`, { name, source: 's3://elsewhere/model' })).body
      .model_version.version;
    const res = await t.post(`${API}/model-versions/transition-stage`, { name, version: v, stage: 'Production' });
    expect(res.status).toBe(400);
    expect((await t.get(`${API}/model-versions/get`, { name, version: v })).body.model_version.current_stage).toBe(
      'None',
    );
    expect(await pointer(name)).toBeNull();
  });

  it('renames a model with its versions and files; deletes a model and its files', async () => {
    await registerVersion(t, 'churn', runId); // v3
    const renamed = await t.post(`${API}/registered-models/rename`, { name: 'churn', new_name: 'churn-v2' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.registered_model.name).toBe('churn-v2');
    expect(
      (await t.get(`${API}/model-versions/get`, { name: 'churn-v2', version: '1' })).body.model_version.current_stage,
    ).toBe('Staging');
    expect(await files('models/churn/')).toEqual([]);
    expect(await files('models/churn-v2/1/')).toContain('model.json');
    expect((await t.get(`${API}/registered-models/get`, { name: 'churn' })).status).toBe(404);
    expect(
      (await t.post(`${API}/registered-models/rename`, { name: 'churn-v2', new_name: 'fraud-a' })).body.error_code,
    ).toBe('RESOURCE_ALREADY_EXISTS');
    expect((await t.post(`${API}/registered-models/rename`, { name: 'churn-v2', new_name: 'a/b' })).status).toBe(400);

    expect((await del(`${API}/registered-models/delete`, { name: 'churn-v2' })).status).toBe(200);
    expect(await files('models/churn-v2/')).toEqual([]);
    expect((await t.get(`${API}/registered-models/get`, { name: 'churn-v2' })).status).toBe(404);
    expect((await t.get(`${API}/model-versions/search`, { filter: "name = 'churn-v2'" })).body).toEqual({
      model_versions: [],
    });
    expect((await del(`${API}/registered-models/delete`, { name: 'churn-v2' })).status).toBe(404);
  });
});
