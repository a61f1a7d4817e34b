import { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeActor } from '../../../contracts/actor.ts';
import { hashPassword } from '../auth/password-hash.ts';
import { logModelRun, modelFiles, registerVersion } from '../testing/model-files.ts';
import { API, jsonCalls, useTrackerFixture } from '../testing/tracker-fixture.ts';
import { actorOf } from './actor.ts';

const who = new Hono().post('/who', (c) => c.text(actorOf(c)));
const actorFor = async (headers: Record<string, string>) =>
  (await who.request('/who', { method: 'POST', headers })).text();

describe('actorOf', () => {
  it('records the name in x-edgeflow-actor, trimmed', async () => {
    expect(await actorFor({ 'x-edgeflow-actor': '  ana  ' })).toBe('ana');
    // A name wins over the dashboard fallback.
    expect(await actorFor({ 'x-edgeflow-actor': 'ana', 'sec-fetch-site': 'same-origin' })).toBe('ana');
  });

  it('records "dashboard" for a same-origin browser request that names no one', async () => {
    expect(await actorFor({ 'sec-fetch-site': 'same-origin' })).toBe('dashboard');
    expect(await actorFor({ 'sec-fetch-site': 'Same-Origin', 'x-edgeflow-actor': '   ' })).toBe('dashboard');
  });

  it('records "anonymous" for everything else that names no one', async () => {
    expect(await actorFor({})).toBe('anonymous');
    expect(await actorFor({ 'x-edgeflow-actor': '' })).toBe('anonymous');
    // Same-site is another origin of the site; none is a typed URL or a non-browser client.
    expect(await actorFor({ 'sec-fetch-site': 'same-site' })).toBe('anonymous');
    expect(await actorFor({ 'sec-fetch-site': 'none' })).toBe('anonymous');
  });

  it("decodes a UTF-8'' percent-encoded name (how a name that is not ASCII travels in a header)", async () => {
    expect(await actorFor({ 'x-edgeflow-actor': `UTF-8''Zo%C3%AB%20%E7%8E%8B` })).toBe('Zoë 王');
    expect(await actorFor({ 'x-edgeflow-actor': `utf-8''ana` })).toBe('ana');
  });
});

describe('decodeActor', () => {
  it('keeps a broken encoding as sent, makes control characters spaces and cuts long names', () => {
    expect(decodeActor(`UTF-8''%E7%8E`)).toBe(`UTF-8''%E7%8E`);
    expect(decodeActor(`UTF-8''a%0Ab%00c`)).toBe('a b c');
    expect(decodeActor(`UTF-8''%0A%09`)).toBe('');
    expect(decodeActor('x'.repeat(250))).toBe('x'.repeat(200));
    // Cut by characters, never inside one.
    expect(decodeActor(`UTF-8''${encodeURIComponent('😀'.repeat(201))}`)).toBe('😀'.repeat(200));
  });
});

describe('the actor in the deployment history', () => {
  const t = useTrackerFixture();

  const promote = (version: string, headers: Record<string, string>) =>
    t.post(`${API}/registered-models/alias`, { name: 'who', alias: 'production', version }, { headers });

  it('records the named actor, "dashboard" for the dashboard unnamed, "anonymous" for a plain client', async () => {
    const v1 = await registerVersion(t, 'who', await logModelRun(t, modelFiles('a')), { edge: true });
    const v2 = await registerVersion(t, 'who', await logModelRun(t, modelFiles('b')), { edge: true });
    expect((await promote(v1, {})).status).toBe(200);
    expect((await promote(v2, { 'sec-fetch-site': 'same-origin', origin: 'http://localhost' })).status).toBe(200);
    expect(
      (
        await promote(v1, {
          'sec-fetch-site': 'same-origin',
          'x-edgeflow-actor': `UTF-8''${encodeURIComponent('Zoë <b>')}`,
        })
      ).status,
    ).toBe(200);
    const rolledBack = await t.post(
      '/api/2.0/edgeflow/deployments/rollback',
      { name: 'who' },
      { headers: { 'sec-fetch-site': 'same-origin' } },
    );
    expect(rolledBack.status).toBe(200);

    const { body } = await t.get('/api/2.0/edgeflow/deployments/get', { name: 'who' });
    expect(body.history.map((d: { kind: string; actor: string }) => [d.kind, d.actor])).toEqual([
      ['rollback', 'dashboard'],
      ['promote', 'Zoë <b>'],
      ['promote', 'dashboard'],
      ['promote', 'anonymous'],
    ]);
  });

  it('records a rollback as done by the request’s actor, never by a name in its body', async () => {
    const v1 = await registerVersion(t, 'body', await logModelRun(t, modelFiles('c')), { edge: true });
    const v2 = await registerVersion(t, 'body', await logModelRun(t, modelFiles('d')), { edge: true });
    for (const version of [v1, v2, v1]) {
      await t.post(`${API}/registered-models/alias`, { name: 'body', alias: 'production', version });
    }
    const rollback = (headers: Record<string, string>, to?: string) =>
      t.post('/api/2.0/edgeflow/deployments/rollback', { name: 'body', actor: 'someone-else', to }, { headers });
    expect((await rollback({ 'x-edgeflow-actor': 'oncall' })).body.deployment.actor).toBe('oncall');
    expect((await rollback({}, v1)).body.deployment.actor).toBe('anonymous');

    const { body } = await t.get('/api/2.0/edgeflow/deployments/get', { name: 'body' });
    expect(body.history.map((d: { kind: string; actor: string }) => [d.kind, d.actor]).slice(0, 2)).toEqual([
      ['rollback', 'anonymous'],
      ['rollback', 'oncall'],
    ]);
  });
});

describe('the actor with auth on', () => {
  const t = useTrackerFixture({ auth: { enabled: true } });
  const as = (user: string) => {
    const authorization = `Basic ${Buffer.from(`${user}:${user}-password`).toString('base64')}`;
    const request = (path: string, init: RequestInit = {}) =>
      Promise.resolve(t.app.request(path, { ...init, headers: { ...(init.headers as object), authorization } }));
    return { app: { request }, ...jsonCalls(request) };
  };
  beforeAll(async () => {
    await t.store.auth.createUser('ana', await hashPassword('ana-password'), true, Date.now());
  });

  it('is the authenticated user, whatever the request names', async () => {
    const ana = as('ana');
    const v1 = await registerVersion(ana, 'auth', await logModelRun(ana, modelFiles('e')), { edge: true });
    const v2 = await registerVersion(ana, 'auth', await logModelRun(ana, modelFiles('f')), { edge: true });
    for (const version of [v1, v2]) {
      const res = await ana.post(
        `${API}/registered-models/alias`,
        { name: 'auth', alias: 'production', version },
        { headers: { 'x-edgeflow-actor': 'mallory' } },
      );
      expect(res.status).toBe(200);
    }
    const rollback = await ana.post(
      '/api/2.0/edgeflow/deployments/rollback',
      { name: 'auth', actor: 'mallory' },
      { headers: { 'x-edgeflow-actor': 'mallory' } },
    );
    expect(rollback.body.deployment.actor).toBe('ana');
    const { body } = await ana.get('/api/2.0/edgeflow/deployments/get', { name: 'auth' });
    expect(body.history.map((d: { actor: string }) => d.actor)).toEqual(['ana', 'ana', 'ana']);
  });
});
