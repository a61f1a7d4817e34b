import { beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../auth/password-hash.ts';
import { API, useTrackerFixture } from '../testing/tracker-fixture.ts';

const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

describe('MLflow’s basic-auth user API', () => {
  const t = useTrackerFixture({ auth: { enabled: true } });
  const admin = basic('admin', 'admin-password');
  beforeAll(async () => {
    await t.store.auth.createUser('admin', await hashPassword('admin-password'), true, Date.now());
  });

  it('creates, gets, updates and deletes users with MLflow’s shapes', async () => {
    const created = await t.post(
      `${API}/users/create`,
      { username: 'ana', password: 'ana-password' },
      { headers: admin },
    );
    expect(created).toEqual({
      status: 200,
      body: {
        user: {
          id: expect.any(Number),
          username: 'ana',
          is_admin: false,
          experiment_permissions: [],
          registered_model_permissions: [],
        },
      },
    });
    expect(JSON.stringify(created.body)).not.toContain('password');
    const again = await t.post(
      `${API}/users/create`,
      { username: 'ana', password: 'ana-password' },
      { headers: admin },
    );
    expect(again).toMatchObject({
      status: 400,
      body: { error_code: 'RESOURCE_ALREADY_EXISTS', message: 'User (username=ana) already exists.' },
    });

    const got = await t.app.request(`${API}/users/get?username=ana`, { headers: admin });
    expect(await got.json()).toEqual(created.body);
    const missing = await t.app.request(`${API}/users/get?username=nobody`, { headers: admin });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: 'User with username=nobody not found',
    });

    const promote = await t.post(
      `${API}/users/update-admin`,
      { username: 'ana', is_admin: true },
      { method: 'PATCH', headers: admin },
    );
    expect(promote).toEqual({ status: 200, body: {} });
    expect((await t.store.auth.getUser('ana')).isAdmin).toBe(true);

    const password = await t.post(
      `${API}/users/update-password`,
      { username: 'ana', password: 'ana-new-password' },
      { method: 'PATCH', headers: basic('ana', 'ana-password') },
    );
    expect(password).toEqual({ status: 200, body: {} });
    expect(
      (await t.app.request(`${API}/experiments/search`, { headers: basic('ana', 'ana-new-password') })).status,
    ).toBe(200);

    const deleted = await t.post(`${API}/users/delete`, { username: 'ana' }, { method: 'DELETE', headers: admin });
    expect(deleted).toEqual({ status: 200, body: {} });
    expect(
      (await t.app.request(`${API}/experiments/search`, { headers: basic('ana', 'ana-new-password') })).status,
    ).toBe(401);
  });

  it('lets a user read and change only themselves; refuses short passwords and ":" in names', async () => {
    await t.post(`${API}/users/create`, { username: 'bo', password: 'bo-password' }, { headers: admin });
    await t.post(`${API}/users/create`, { username: 'cy', password: 'cy-password' }, { headers: admin });
    const bo = basic('bo', 'bo-password');
    expect((await t.app.request(`${API}/users/get?username=bo`, { headers: bo })).status).toBe(200);
    expect((await t.app.request(`${API}/users/get?username=cy`, { headers: bo })).status).toBe(403);
    const other = await t.post(
      `${API}/users/update-password`,
      { username: 'cy', password: 'taken-over' },
      { method: 'PATCH', headers: bo },
    );
    expect(other).toMatchObject({ status: 403, body: { error_code: 'PERMISSION_DENIED' } });
    expect(
      (await t.post(`${API}/users/create`, { username: 'dee', password: 'dee-password' }, { headers: bo })).status,
    ).toBe(403);
    expect(
      (await t.post(`${API}/users/create`, { username: 'eve', password: 'short' }, { headers: admin })).status,
    ).toBe(400);
    expect(
      (await t.post(`${API}/users/create`, { username: 'e:ve', password: 'long-enough' }, { headers: admin })).status,
    ).toBe(400);
  });
});
