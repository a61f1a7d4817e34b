import { beforeAll, describe, expect, it } from 'vitest';
import { API, useTrackerFixture } from '../testing/tracker-fixture.ts';
import { hashPassword } from './password-hash.ts';

const EDGEFLOW = '/api/2.0/edgeflow';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('authentication (auth on)', () => {
  let now = 1_700_000_000_000;
  const t = useTrackerFixture({
    auth: { enabled: true, now: () => now, tokenRatePerSecond: 2 },
    ingest: { token: 'the-ingest-token' },
  });
  const request = (path: string, init: RequestInit = {}) => t.app.request(path, init);
  const json = (method: string, body: unknown, headers: Record<string, string> = {}): RequestInit => ({
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

  beforeAll(async () => {
    const hash = await hashPassword('alice-password');
    await t.store.auth.createUser('alice', hash, false, now);
    await t.store.auth.createUser('root', hash, true, now);
  });

  it('answers an anonymous request 401 UNAUTHENTICATED with MLflow’s WWW-Authenticate; /health stays public', async () => {
    const res = await request(`${API}/experiments/search`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="mlflow"');
    expect(await res.json()).toMatchObject({ error_code: 'UNAUTHENTICATED' });
    // The dashboard's own requests get no Basic prompt: it shows its sign-in page.
    const page = await request(`${API}/experiments/search`, { headers: { 'sec-fetch-site': 'same-origin' } });
    expect(page.status).toBe(401);
    expect(page.headers.get('www-authenticate')).toBeNull();
    expect((await request('/health')).status).toBe(200);
  });

  it('takes HTTP Basic (MLFLOW_TRACKING_USERNAME / PASSWORD) and refuses a wrong password', async () => {
    const ok = await request(`${API}/experiments/search`, {
      headers: { authorization: basic('alice', 'alice-password') },
    });
    expect(ok.status).toBe(200);
    const wrong = await request(`${API}/experiments/search`, {
      headers: { authorization: basic('alice', 'nope-nope') },
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error_code: 'UNAUTHENTICATED', message: 'Wrong username or password.' });
    const unknown = await request(`${API}/experiments/search`, { headers: { authorization: basic('bob', 'x') } });
    expect(unknown.status).toBe(401);
    const odd = await request(`${API}/experiments/search`, { headers: { authorization: 'Digest abc' } });
    expect(odd.status).toBe(401);
  });

  it('takes a new password at once and no longer the old one (the Basic cache checks the stored hash)', async () => {
    await t.store.auth.createUser('carol', await hashPassword('carol-old-pw'), false, now);
    const as = (pw: string) => ({ authorization: basic('carol', pw) });
    expect((await request(`${API}/experiments/search`, { headers: as('carol-old-pw') })).status).toBe(200);
    const change = await request(
      `${API}/users/update-password`,
      json('PATCH', { username: 'carol', password: 'carol-new-pw' }, as('carol-old-pw')),
    );
    expect(change.status).toBe(200);
    expect((await request(`${API}/experiments/search`, { headers: as('carol-old-pw') })).status).toBe(401);
    expect((await request(`${API}/experiments/search`, { headers: as('carol-new-pw') })).status).toBe(200);
  });

  it('takes an API token as Bearer (MLFLOW_TRACKING_TOKEN): shown once, stored hashed, revoked at once, expiring', async () => {
    const created = await request(
      `${EDGEFLOW}/tokens/create`,
      json('POST', { name: 'ci', expires_in_days: 1 }, { authorization: basic('alice', 'alice-password') }),
    );
    expect(created.status).toBe(200);
    const { token, secret } = (await created.json()) as { token: { id: string }; secret: string };
    expect(secret).toMatch(/^efk_[\w-]{43}$/);
    expect(token).toMatchObject({ name: 'ci', username: 'alice', scope: 'all', expiry_time: now + 86_400_000 });
    const { rows } = await t.store.client.execute('SELECT token_hash FROM api_tokens');
    expect(JSON.stringify(rows)).not.toContain(secret);
    const bearer = { authorization: `Bearer ${secret}` };
    expect((await request(`${API}/experiments/search`, { headers: bearer })).status).toBe(200);
    const listed = await (await request(`${EDGEFLOW}/tokens/list`, { headers: bearer })).json();
    expect(JSON.stringify(listed)).not.toContain(secret);

    now += 86_400_000;
    const expired = await request(`${API}/experiments/search`, { headers: bearer });
    expect(await expired.json()).toEqual({ error_code: 'UNAUTHENTICATED', message: 'The API token expired.' });
    now -= 86_400_000;

    const revoke = await request(`${EDGEFLOW}/tokens/revoke`, json('POST', { id: token.id }, bearer));
    expect(revoke.status).toBe(200);
    const revoked = await request(`${API}/experiments/search`, { headers: bearer });
    expect(revoked.status).toBe(401);
    expect(await revoked.text()).not.toContain(secret);
  });

  it('lets a user revoke only their own tokens; an admin anyone’s', async () => {
    const make = async (auth: string, body: Record<string, unknown> = {}) =>
      (await (
        await request(`${EDGEFLOW}/tokens/create`, json('POST', { name: 't', ...body }, { authorization: auth }))
      ).json()) as {
        token: { id: string };
      };
    const rootToken = await make(basic('root', 'alice-password'));
    const { tokens } = (await (
      await request('/api/2.0/edgeflow/tokens/list', { headers: { authorization: basic('root', 'alice-password') } })
    ).json()) as {
      tokens: { id: string; creation_time: number; expiry_time: number }[];
    };
    const listed = tokens.find((x) => x.id === rootToken.token.id)!;
    // 90 days unless the request says otherwise.
    expect(listed.expiry_time - listed.creation_time).toBe(90 * 86_400_000);
    const aliceToken = await make(basic('root', 'alice-password'), { username: 'alice' });
    const asAlice = { authorization: basic('alice', 'alice-password') };
    expect((await request(`${EDGEFLOW}/tokens/revoke`, json('POST', { id: rootToken.token.id }, asAlice))).status).toBe(
      404,
    );
    expect(
      (await request(`${EDGEFLOW}/tokens/revoke`, json('POST', { id: aliceToken.token.id }, asAlice))).status,
    ).toBe(200);
    const others = await request(`${EDGEFLOW}/tokens/create`, json('POST', { name: 'x', username: 'root' }, asAlice));
    expect(others.status).toBe(403);
  });

  it('limits each API token’s request rate: 429 with Retry-After, then serves again', async () => {
    const { secret } = (await (
      await request(
        `${EDGEFLOW}/tokens/create`,
        json('POST', { name: 'busy' }, { authorization: basic('alice', 'alice-password') }),
      )
    ).json()) as { secret: string };
    const bearer = { authorization: `Bearer ${secret}` };
    // 2 a second, bursts of 4.
    for (let i = 0; i < 4; i++)
      expect((await request(`${API}/experiments/search`, { headers: bearer })).status).toBe(200);
    const limited = await request(`${API}/experiments/search`, { headers: bearer });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(await limited.json()).toMatchObject({ error_code: 'REQUEST_LIMIT_EXCEEDED' });
    now += 500;
    expect((await request(`${API}/experiments/search`, { headers: bearer })).status).toBe(200);
  });

  it.each([
    ['predictions/log-batch', { events: [] }],
    ['feedback', { labels: [] }],
  ])(
    'lets %s use EDGEFLOW_INGEST_TOKEN, an ingest-scoped token or an admin’s token, and nothing else',
    async (path, body) => {
      const log = (authorization?: string) =>
        request(`${EDGEFLOW}/${path}`, json('POST', body, authorization ? { authorization } : {}));
      const tokenOf = async (user: string, scope: string) =>
        (
          (await (
            await request(
              `${EDGEFLOW}/tokens/create`,
              json('POST', { name: `w-${path}-${scope}`, scope }, { authorization: basic(user, 'alice-password') }),
            )
          ).json()) as { secret: string }
        ).secret;
      const ingestOnly = await tokenOf('alice', 'ingest');
      // An empty batch is the handler's 400: past the auth check.
      const passes = async (authorization: string) => expect([400, 200]).toContain((await log(authorization)).status);
      await passes('Bearer the-ingest-token');
      await passes(`Bearer ${ingestOnly}`);
      await passes(`Bearer ${await tokenOf('root', 'all')}`);
      expect((await log(`Bearer ${await tokenOf('alice', 'all')}`)).status).toBe(403);
      expect((await log()).status).toBe(401);
      // An ingest token can do nothing else.
      const other = await request(`${API}/experiments/search`, { headers: { authorization: `Bearer ${ingestOnly}` } });
      expect(other.status).toBe(403);
      const ingest = await request(`${API}/experiments/search`, {
        headers: { authorization: 'Bearer the-ingest-token' },
      });
      expect(ingest.status).toBe(403);
    },
  );
});

describe('dashboard sessions (auth on)', () => {
  let now = 1_700_000_000_000;
  const t = useTrackerFixture({ auth: { enabled: true, now: () => now } });
  beforeAll(async () => {
    await t.store.auth.createUser('dana', await hashPassword('dana-password'), false, now);
    await t.store.auth.createUser('eve', await hashPassword('eve-password'), false, now);
  });

  const signIn = (username: string, password: string, headers: Record<string, string> = {}) =>
    t.app.request('/api/2.0/edgeflow/auth/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ username, password }),
    });
  const cookieOf = (res: Response) => /edgeflow_session=([^;]*)/.exec(res.headers.get('set-cookie') ?? '')?.[1];

  it('signs in with an HttpOnly, SameSite=Lax session cookie, Secure only when the page was served over https', async () => {
    const res = await signIn('dana', 'dana-password');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { username: string; is_admin: boolean; csrf_token: string };
    expect(body).toMatchObject({ username: 'dana', is_admin: false });
    expect(body.csrf_token).toMatch(/^[\w-]{43}$/);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).toMatch(/Max-Age=43200/);
    expect(cookie).not.toMatch(/Secure/);
    for (const headers of [{ 'x-forwarded-proto': 'https' }, { origin: 'https://localhost' }] as Record<
      string,
      string
    >[]) {
      expect((await signIn('dana', 'dana-password', headers)).headers.get('set-cookie')).toMatch(/; Secure/);
    }
  });

  it('gives a new session id at every sign-in and ends the one the request carried', async () => {
    const first = cookieOf(await signIn('dana', 'dana-password'))!;
    const second = cookieOf(await signIn('dana', 'dana-password', { cookie: `edgeflow_session=${first}` }))!;
    expect(second).not.toBe(first);
    const me = (id: string) =>
      t.app.request('/api/2.0/edgeflow/auth/me', { headers: { cookie: `edgeflow_session=${id}` } });
    expect((await me(first)).status).toBe(401);
    expect(await (await me(second)).json()).toMatchObject({ username: 'dana', via: 'session', auth_enabled: true });
  });

  it('refuses a state change made with the session cookie without its CSRF token; Basic needs none', async () => {
    const res = await signIn('dana', 'dana-password');
    const { csrf_token } = (await res.json()) as { csrf_token: string };
    const cookie = `edgeflow_session=${cookieOf(res)}`;
    const create = (name: string, headers: Record<string, string>) =>
      t.app.request(`${API}/experiments/create`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ name }),
      });
    const without = await create('no-csrf', { cookie });
    expect(without.status).toBe(403);
    expect(await without.json()).toMatchObject({ error_code: 'PERMISSION_DENIED' });
    expect((await create('wrong-csrf', { cookie, 'x-csrf-token': 'x' })).status).toBe(403);
    expect((await create('with-csrf', { cookie, 'x-csrf-token': csrf_token })).status).toBe(200);
    // Another session's token does not do.
    const eve = (await (await signIn('eve', 'eve-password')).json()) as { csrf_token: string };
    expect((await create('eves-csrf', { cookie, 'x-csrf-token': eve.csrf_token })).status).toBe(403);
    // Reads need none.
    expect((await t.app.request(`${API}/experiments/search`, { headers: { cookie } })).status).toBe(200);
    const viaBasic = { authorization: `Basic ${Buffer.from('dana:dana-password').toString('base64')}` };
    expect((await create('basic', viaBasic)).status).toBe(200);
  });

  it('signs out: the session ends and the cookie is cleared', async () => {
    const res = await signIn('dana', 'dana-password');
    const cookie = `edgeflow_session=${cookieOf(res)}`;
    const out = await t.app.request('/api/2.0/edgeflow/auth/sign-out', { method: 'POST', headers: { cookie } });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/edgeflow_session=;.*Max-Age=0/);
    expect((await t.app.request(`${API}/experiments/search`, { headers: { cookie } })).status).toBe(401);
  });

  it('expires a session after 12 hours', async () => {
    const res = await signIn('dana', 'dana-password');
    const cookie = `edgeflow_session=${cookieOf(res)}`;
    now += 12 * 3_600_000;
    expect((await t.app.request(`${API}/experiments/search`, { headers: { cookie } })).status).toBe(401);
  });

  it('backs off failed sign-ins per username, exponentially, whatever the password then', async () => {
    await t.store.auth.createUser('frank', await hashPassword('frank-password'), false, now);
    for (let i = 0; i < 6; i++) expect((await signIn('frank', 'wrong-password')).status).toBe(401);
    // Six failures: locked for 1 s, even for the right password.
    const locked = await signIn('frank', 'frank-password');
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('1');
    now += 1000;
    expect((await signIn('frank', 'wrong-password')).status).toBe(401);
    // The seventh failure doubles the wait.
    now += 1000;
    expect((await signIn('frank', 'frank-password')).headers.get('retry-after')).toBe('1');
    now += 1000;
    expect((await signIn('frank', 'frank-password')).status).toBe(200);
    // Basic attempts count too, and share the lock.
    for (let i = 0; i < 6; i++) {
      await t.app.request(`${API}/experiments/search`, {
        headers: { authorization: `Basic ${Buffer.from('frank:bad-password').toString('base64')}` },
      });
    }
    expect((await signIn('frank', 'frank-password')).status).toBe(429);
  });
});

describe('first admin from the one-time setup token', () => {
  const t = useTrackerFixture({ auth: { enabled: true, setupToken: 'efs_the-setup-token' } });
  const setup = (setup_token: string, username = 'boss') =>
    t.app.request('/api/2.0/edgeflow/auth/setup', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ setup_token, username, password: 'boss-password' }),
    });

  it('creates the first admin once, with the right token only', async () => {
    expect((await setup('efs_wrong')).status).toBe(401);
    const res = await setup('efs_the-setup-token');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ user: { username: 'boss', is_admin: true } });
    expect((await setup('efs_the-setup-token', 'boss2')).status).toBe(403);
    const me = await t.app.request('/api/2.0/edgeflow/auth/me', {
      headers: { authorization: `Basic ${Buffer.from('boss:boss-password').toString('base64')}` },
    });
    expect(await me.json()).toMatchObject({ username: 'boss', is_admin: true, via: 'basic' });
  });
});
