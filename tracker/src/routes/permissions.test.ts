import { beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../auth/password-hash.ts';
import { API, useTrackerFixture } from '../testing/tracker-fixture.ts';

const basic = (user: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${user}-password`).toString('base64')}`,
});

describe('MLflow’s basic-auth permission API and what permissions do', () => {
  const t = useTrackerFixture({ auth: { enabled: true } });
  const [admin, owner, other] = [basic('admin'), basic('owner'), basic('other')];
  let otherId: number;
  beforeAll(async () => {
    for (const name of ['admin', 'owner', 'other']) {
      const user = await t.store.auth.createUser(
        name,
        await hashPassword(`${name}-password`),
        name === 'admin',
        Date.now(),
      );
      if (name === 'other') otherId = user.id;
    }
  });

  it('gives the creator of an experiment MANAGE on it; the permission API has MLflow’s shapes and codes', async () => {
    const created = await t.post(`${API}/experiments/create`, { name: 'owned' }, { headers: owner });
    const id = created.body.experiment_id as string;
    const mine = await t.app.request(`${API}/experiments/permissions/get?experiment_id=${id}&username=owner`, {
      headers: owner,
    });
    expect(await mine.json()).toMatchObject({ experiment_permission: { experiment_id: id, permission: 'MANAGE' } });

    const grant = await t.post(
      `${API}/experiments/permissions/create`,
      { experiment_id: id, username: 'other', permission: 'READ' },
      { headers: owner },
    );
    expect(grant).toEqual({
      status: 200,
      body: { experiment_permission: { experiment_id: id, user_id: otherId, permission: 'READ' } },
    });
    const twice = await t.post(
      `${API}/experiments/permissions/create`,
      { experiment_id: id, username: 'other', permission: 'READ' },
      { headers: owner },
    );
    expect(twice).toMatchObject({ status: 400, body: { error_code: 'RESOURCE_ALREADY_EXISTS' } });
    const bad = await t.post(
      `${API}/experiments/permissions/update`,
      { experiment_id: id, username: 'other', permission: 'OWNER' },
      { method: 'PATCH', headers: owner },
    );
    expect(bad).toEqual({
      status: 400,
      body: {
        error_code: 'INVALID_PARAMETER_VALUE',
        message: "Invalid permission 'OWNER'. Valid permissions are: ('READ', 'EDIT', 'MANAGE', 'NO_PERMISSIONS')",
      },
    });
    // READ: reads, no writes; the other user may not hand out permissions.
    expect((await t.app.request(`${API}/experiments/get?experiment_id=${id}`, { headers: other })).status).toBe(200);
    expect((await t.post(`${API}/runs/create`, { experiment_id: id }, { headers: other })).status).toBe(403);
    expect(
      (
        await t.post(
          `${API}/experiments/permissions/update`,
          { experiment_id: id, username: 'other', permission: 'MANAGE' },
          { method: 'PATCH', headers: other },
        )
      ).status,
    ).toBe(403);
    // EDIT: may log runs (runs inherit it), not delete them.
    const edit = await t.post(
      `${API}/experiments/permissions/update`,
      { experiment_id: id, username: 'other', permission: 'EDIT' },
      { method: 'PATCH', headers: owner },
    );
    expect(edit).toEqual({ status: 200, body: {} });
    const run = await t.post(`${API}/runs/create`, { experiment_id: id }, { headers: other });
    expect(run.status).toBe(200);
    const runId = run.body.run.info.run_id as string;
    expect(
      (await t.post(`${API}/runs/log-metric`, { run_id: runId, key: 'm', value: 1, timestamp: 1 }, { headers: other }))
        .status,
    ).toBe(200);
    expect((await t.post(`${API}/runs/delete`, { run_id: runId }, { headers: other })).status).toBe(403);
    expect((await t.post(`${API}/runs/delete`, { run_id: runId }, { headers: owner })).status).toBe(200);

    const removed = await t.post(
      `${API}/experiments/permissions/delete`,
      { experiment_id: id, username: 'other' },
      { method: 'DELETE', headers: owner },
    );
    expect(removed).toEqual({ status: 200, body: {} });
    const gone = await t.app.request(`${API}/experiments/permissions/get?experiment_id=${id}&username=other`, {
      headers: owner,
    });
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: `Experiment permission with experiment_id=${id} and username=other not found`,
    });
    const noSuch = await t.post(
      `${API}/experiments/permissions/create`,
      { experiment_id: '9999', username: 'other', permission: 'READ' },
      { headers: admin },
    );
    expect(noSuch).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
  });

  it('hides from searches what a user may not read', async () => {
    const hidden = (await t.post(`${API}/experiments/create`, { name: 'hidden' }, { headers: owner })).body
      .experiment_id;
    await t.post(
      `${API}/experiments/permissions/create`,
      { experiment_id: hidden, username: 'other', permission: 'NO_PERMISSIONS' },
      { headers: owner },
    );
    await t.post(`${API}/registered-models/create`, { name: 'secret-model' }, { headers: owner });
    await t.post(`${API}/registered-models/create`, { name: 'open-model' }, { headers: owner });
    await t.post(
      `${API}/registered-models/permissions/create`,
      { name: 'secret-model', username: 'other', permission: 'NO_PERMISSIONS' },
      { headers: owner },
    );

    const names = async (path: string, list: string, headers: Record<string, string>) =>
      ((await (await t.app.request(`${API}/${path}`, { headers })).json())[list] as { name: string }[]).map(
        (e) => e.name,
      );
    expect(await names('experiments/search?max_results=100', 'experiments', other)).not.toContain('hidden');
    expect(await names('experiments/search?max_results=100', 'experiments', owner)).toContain('hidden');
    expect(await names('experiments/search?max_results=100', 'experiments', admin)).toContain('hidden');
    expect(await names('registered-models/search', 'registered_models', other)).toEqual(['open-model']);
    expect((await names('registered-models/search', 'registered_models', owner)).sort()).toEqual([
      'open-model',
      'secret-model',
    ]);
    expect((await t.app.request(`${API}/experiments/get?experiment_id=${hidden}`, { headers: other })).status).toBe(
      403,
    );
    const search = await t.post(`${API}/runs/search`, { experiment_ids: [hidden] }, { headers: other });
    expect(search.status).toBe(403);
  });

  it('gives the creator of a registered model MANAGE; the model permission API has MLflow’s shapes; it follows a rename', async () => {
    await t.post(`${API}/registered-models/create`, { name: 'mine' }, { headers: owner });
    const grant = await t.post(
      `${API}/registered-models/permissions/create`,
      { name: 'mine', username: 'other', permission: 'EDIT' },
      { headers: owner },
    );
    expect(grant).toEqual({
      status: 200,
      body: { registered_model_permission: { name: 'mine', user_id: otherId, permission: 'EDIT' } },
    });
    // EDIT may change the model, not deploy it or hand out permissions.
    expect(
      (await t.post(`${API}/registered-models/set-tag`, { name: 'mine', key: 'k', value: 'v' }, { headers: other }))
        .status,
    ).toBe(200);
    expect((await t.post('/api/2.0/edgeflow/deployments/rollback', { name: 'mine' }, { headers: other })).status).toBe(
      403,
    );
    expect(
      (
        await t.post(
          `${API}/registered-models/alias`,
          { name: 'mine', alias: 'production', version: '1' },
          { headers: other },
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await t.post(
          `${API}/model-versions/transition-stage`,
          { name: 'mine', version: '1', stage: 'production' },
          { headers: other },
        )
      ).status,
    ).toBe(403);

    const renamed = await t.post(
      `${API}/registered-models/rename`,
      { name: 'mine', new_name: 'ours' },
      { headers: owner },
    );
    expect(renamed.status).toBe(200);
    const got = await t.app.request(`${API}/registered-models/permissions/get?name=ours&username=other`, {
      headers: owner,
    });
    expect(await got.json()).toEqual({
      registered_model_permission: { name: 'ours', user_id: otherId, permission: 'EDIT' },
    });
    // A model deleted and made again under its name starts with no permissions but its new creator's.
    await t.post(`${API}/registered-models/delete`, { name: 'ours' }, { method: 'DELETE', headers: owner });
    await t.post(`${API}/registered-models/create`, { name: 'ours' }, { headers: admin });
    const stale = await t.app.request(`${API}/registered-models/permissions/get?name=ours&username=other`, {
      headers: admin,
    });
    expect(stale.status).toBe(404);
  });
});
