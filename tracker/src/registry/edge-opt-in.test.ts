import { describe, expect, it } from 'vitest';
import { EDGE_TAG, pointerKey } from '../../../contracts/index.ts';
import { EDGE_TAGS, logModelRun, modelFiles, registerVersion } from '../testing/model-files.ts';
import { API, useTrackerFixture } from '../testing/tracker-fixture.ts';

const EDGE_API = '/api/2.0/edgeflow';

/** The files `mlflow.sklearn.log_model` writes: nothing the edge can serve. */
const SKLEARN_FILES = {
  MLmodel: 'artifact_path: model\nflavors:\n  sklearn:\n    pickled_model: model.pkl\n',
  'model.pkl': new Uint8Array([0x80, 0x04, 0x95]),
  'requirements.txt': 'scikit-learn==1.4.0\n',
};

describe('the registry is MLflow’s for every model; the edge follows only models opted in', () => {
  const t = useTrackerFixture();
  const del = (path: string, body: unknown) => t.post(path, body, { method: 'DELETE' });
  const pointer = async (name: string) => {
    const raw = await t.edge.kv.get(pointerKey(name));
    return raw === null ? null : (JSON.parse(raw) as { version: string });
  };
  const stage = async (name: string, version: string) =>
    (await t.get(`${API}/model-versions/get`, { name, version })).body.model_version.current_stage as string;
  const transition = (name: string, version: string, stage: string, archive = false) =>
    t.post(`${API}/model-versions/transition-stage`, { name, version, stage, archive_existing_versions: archive });
  const history = async (name: string) =>
    (await t.get(`${EDGE_API}/deployments/get`, { name })).body.history as unknown[];

  it('moves a scikit-learn model through every stage and alias, renames and deletes it, as MLflow does', async () => {
    const run = await logModelRun(t, SKLEARN_FILES);
    const v1 = await registerVersion(t, 'sk', run);
    const v2 = await registerVersion(t, 'sk', run);

    expect((await transition('sk', v1, 'Production')).status).toBe(200);
    expect(
      (await t.post(`${API}/registered-models/alias`, { name: 'sk', alias: 'production', version: v1 })).body,
    ).toEqual({});
    const byAlias = await t.get(`${API}/registered-models/alias`, { name: 'sk', alias: 'production' });
    expect(byAlias.body.model_version).toMatchObject({ version: v1, current_stage: 'Production' });
    const latest = await t.post(`${API}/registered-models/get-latest-versions`, { name: 'sk', stages: ['Production'] });
    expect(latest.body.model_versions.map((v: { version: string }) => v.version)).toEqual([v1]);

    // v2 takes Production and archives v1; then v2 goes back to None and to Archived
    expect((await transition('sk', v2, 'production', true)).body.model_version.current_stage).toBe('Production');
    expect(await stage('sk', v1)).toBe('Archived');
    expect((await transition('sk', v2, 'None')).status).toBe(200);
    expect((await transition('sk', v2, 'Archived')).status).toBe(200);
    const noArchive = await transition('sk', v2, 'None', true);
    expect(noArchive.body).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message:
        "Model version transition cannot archive existing model versions because 'None' is not an Active stage. Valid stages are ['Staging', 'Production']",
    });

    expect((await del(`${API}/registered-models/alias`, { name: 'sk', alias: 'production' })).status).toBe(200);
    expect((await del(`${API}/model-versions/delete`, { name: 'sk', version: v1 })).status).toBe(200);
    expect((await t.post(`${API}/registered-models/rename`, { name: 'sk', new_name: 'sk-2' })).status).toBe(200);
    expect((await del(`${API}/registered-models/delete`, { name: 'sk-2' })).status).toBe(200);
    expect(await pointer('sk')).toBeNull();
    expect(await pointer('sk-2')).toBeNull();
  });

  it('does not deploy a TFJS model that is not opted in: alias production and stage Production stay the registry’s', async () => {
    const v = await registerVersion(t, 'tf-plain', await logModelRun(t, modelFiles('plain')));
    expect(
      (await t.post(`${API}/registered-models/alias`, { name: 'tf-plain', alias: 'production', version: v })).status,
    ).toBe(200);
    expect((await transition('tf-plain', v, 'Production')).status).toBe(200);
    expect(await pointer('tf-plain')).toBeNull();
    expect(await history('tf-plain')).toEqual([]);
    const rollback = await t.post(`${EDGE_API}/deployments/rollback`, { name: 'tf-plain' });
    expect(rollback.body).toEqual({
      error_code: 'INVALID_STATE',
      message: 'Model tf-plain is not opted in to the edge (tag edgeflow.edge=true); nothing to roll back.',
    });
  });

  it('opting in deploys the version alias production names; one that cannot serve leaves the tag as it was', async () => {
    // production version servable: deployed when the tag is set
    const v = await registerVersion(t, 'late', await logModelRun(t, modelFiles('late')));
    await t.post(`${API}/registered-models/alias`, { name: 'late', alias: 'production', version: v });
    expect(await pointer('late')).toBeNull();
    expect((await t.post(`${API}/registered-models/set-tag`, { name: 'late', ...EDGE_TAGS[0] })).status).toBe(200);
    expect((await pointer('late'))?.version).toBe(v);
    expect(await history('late')).toMatchObject([{ to_version: v, kind: 'promote' }]);
    // set again: nothing more happens
    await t.post(`${API}/registered-models/set-tag`, { name: 'late', ...EDGE_TAGS[0] });
    expect(await history('late')).toHaveLength(1);

    // production version not servable: refused, nothing changes
    const sk = await registerVersion(t, 'sk-late', await logModelRun(t, SKLEARN_FILES));
    await t.post(`${API}/registered-models/alias`, { name: 'sk-late', alias: 'production', version: sk });
    const refused = await t.post(`${API}/registered-models/set-tag`, { name: 'sk-late', ...EDGE_TAGS[0] });
    expect(refused.status).toBe(400);
    expect(refused.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(refused.body.message).toMatch(
      /^Model sk-late was not opted in to the edge: its "production" version 1 cannot be deployed\. Model sk-late version 1 cannot be promoted: .*model\.json is missing/,
    );
    expect((await t.get(`${API}/registered-models/get`, { name: 'sk-late' })).body.registered_model.tags).toEqual([]);
    expect(await pointer('sk-late')).toBeNull();

    // no production alias: opted in, nothing deployed until the alias is set
    await registerVersion(t, 'fresh', await logModelRun(t, modelFiles('fresh')));
    expect((await t.post(`${API}/registered-models/set-tag`, { name: 'fresh', ...EDGE_TAGS[0] })).status).toBe(200);
    expect(await pointer('fresh')).toBeNull();
    await t.post(`${API}/registered-models/alias`, { name: 'fresh', alias: 'production', version: '1' });
    expect((await pointer('fresh'))?.version).toBe('1');
  });

  it('refuses, for a model opted in, to take away the version the edge serves, saying how to proceed', async () => {
    const name = 'guarded';
    const run = await logModelRun(t, modelFiles('guarded'));
    const v1 = await registerVersion(t, name, run, { edge: true });
    const v2 = await registerVersion(t, name, run, { edge: true });
    await t.post(`${API}/registered-models/alias`, { name, alias: 'production', version: v1 });
    const how =
      'is served at the edge (tag edgeflow.edge=true). Promote another version first (alias "production" or stage ' +
      'Production) or roll back (POST /api/2.0/edgeflow/deployments/rollback), or take the model off the edge by ' +
      'deleting its tag edgeflow.edge.';
    const refusals: [Promise<{ status: number; body: { error_code: string; message: string } }>, string][] = [
      [del(`${API}/model-versions/delete`, { name, version: v1 }), `Cannot delete version 1 of ${name}`],
      [transition(name, v1, 'Archived'), `Cannot move version 1 of ${name} to Archived`],
      [transition(name, v1, 'None'), `Cannot move version 1 of ${name} to None`],
      [del(`${API}/registered-models/delete`, { name }), `Cannot delete registered model ${name}`],
      [
        t.post(`${API}/registered-models/rename`, { name, new_name: 'elsewhere' }),
        `Cannot rename registered model ${name}`,
      ],
      [
        del(`${API}/registered-models/alias`, { name, alias: 'production' }),
        `Cannot delete alias 'production' of model ${name}`,
      ],
    ];
    for (const [call, action] of refusals) {
      const res = await call;
      expect(res.status, action).toBe(400);
      expect(res.body).toEqual({
        error_code: 'INVALID_STATE',
        message: `${action}: version 1 of model ${name} ${how}`,
      });
    }
    expect((await pointer(name))?.version).toBe(v1);
    // what the edge does not serve goes as in MLflow
    await t.post(`${API}/registered-models/alias`, { name, alias: 'champion', version: v2 });
    expect((await del(`${API}/registered-models/alias`, { name, alias: 'champion' })).status).toBe(200);
    expect((await transition(name, v2, 'Archived')).status).toBe(200);
    expect((await del(`${API}/model-versions/delete`, { name, version: v2 })).status).toBe(200);
  });

  it('opting out takes the model off the edge; then it is MLflow’s alone', async () => {
    const run = await logModelRun(t, modelFiles('out'));
    const v = await registerVersion(t, 'leaving', run, { edge: true });
    await t.post(`${API}/registered-models/alias`, { name: 'leaving', alias: 'production', version: v });
    expect((await pointer('leaving'))?.version).toBe(v);
    expect((await del(`${API}/registered-models/delete-tag`, { name: 'leaving', key: EDGE_TAG })).status).toBe(200);
    expect(await pointer('leaving')).toBeNull();
    expect((await t.get(`${API}/registered-models/get`, { name: 'leaving' })).body.registered_model.tags).toEqual([]);
    // the alias stays, as the registry has it; the version may now go
    expect(
      (await t.get(`${API}/registered-models/alias`, { name: 'leaving', alias: 'production' })).body.model_version
        .version,
    ).toBe(v);
    expect((await del(`${API}/model-versions/delete`, { name: 'leaving', version: v })).status).toBe(200);

    // any other value opts out too
    const w = await registerVersion(t, 'switched', run, { edge: true });
    await t.post(`${API}/registered-models/alias`, { name: 'switched', alias: 'production', version: w });
    await t.post(`${API}/registered-models/set-tag`, { name: 'switched', key: EDGE_TAG, value: 'false' });
    expect(await pointer('switched')).toBeNull();
    expect((await del(`${API}/registered-models/delete`, { name: 'switched' })).status).toBe(200);
  });
});
