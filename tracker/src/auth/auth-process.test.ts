import { afterAll, describe, expect, it, vi } from 'vitest';
import { startTrackerProcess, type TrackerProcess } from '../testing/tracker-process.ts';

const API = '/api/2.0/mlflow';

describe('a tracker process with EDGEFLOW_AUTH=on, over real HTTP', () => {
  const running: TrackerProcess[] = [];
  afterAll(async () => {
    await Promise.all(running.map((p) => p.stop()));
  });

  it('makes the admin from EDGEFLOW_ADMIN_PASSWORD, refuses anonymous requests and takes Basic and tokens', async () => {
    const tracker = await startTrackerProcess({
      env: { EDGEFLOW_AUTH: 'on', EDGEFLOW_ADMIN_USERNAME: 'root', EDGEFLOW_ADMIN_PASSWORD: 'root-password' },
    });
    running.push(tracker);
    // The banner follows the listening line.
    await vi.waitFor(() =>
      expect(tracker.output()).toContain('auth on: created the admin "root" from EDGEFLOW_ADMIN_PASSWORD'),
    );
    expect(tracker.output()).not.toContain('root-password');
    const anonymous = await fetch(`${tracker.url}${API}/experiments/search`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="mlflow"');
    expect((await fetch(`${tracker.url}/health`)).status).toBe(200);
    const authorization = `Basic ${Buffer.from('root:root-password').toString('base64')}`;
    const created = await fetch(`${tracker.url}/api/2.0/edgeflow/tokens/create`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ci' }),
    });
    const { secret } = (await created.json()) as { secret: string };
    const search = await fetch(`${tracker.url}${API}/experiments/search`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(search.status).toBe(200);
    // The sign-in page's session, over HTTP.
    const signIn = await fetch(`${tracker.url}/api/2.0/edgeflow/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'root', password: 'root-password' }),
    });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const me = await fetch(`${tracker.url}/api/2.0/edgeflow/auth/me`, { headers: { cookie } });
    expect(await me.json()).toMatchObject({ username: 'root', is_admin: true, via: 'session' });
  }, 90_000);

  it('prints a one-time setup token at the first start with no user and no password; it makes the first admin once', async () => {
    const tracker = await startTrackerProcess({ env: { EDGEFLOW_AUTH: 'on' } });
    running.push(tracker);
    const setupToken = await vi.waitFor(() => {
      const token = /^ {4}(efs_[\w-]+)$/m.exec(tracker.output())?.[1];
      expect(token, tracker.output()).toBeDefined();
      return token;
    });
    const setup = (token: string) =>
      fetch(`${tracker.url}/api/2.0/edgeflow/auth/setup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ setup_token: token, username: 'first', password: 'first-password' }),
      });
    expect((await setup(setupToken!)).status).toBe(200);
    expect((await setup(setupToken!)).status).toBe(403);
    const authorization = `Basic ${Buffer.from('first:first-password').toString('base64')}`;
    const me = await fetch(`${tracker.url}/api/2.0/edgeflow/auth/me`, { headers: { authorization } });
    expect(await me.json()).toMatchObject({ username: 'first', is_admin: true });
  }, 90_000);
});
