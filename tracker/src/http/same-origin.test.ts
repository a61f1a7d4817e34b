import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestWithHost } from '../testing/host-request.ts';
import { API, openTrackerFixture, type TrackerFixture } from '../testing/tracker-fixture.ts';
import { LOOPBACK_HOSTS, parseAllowedHosts } from './allowed-hosts.ts';
import { sameOrigin } from './same-origin.ts';

const OWN = 'http://tracker.local:5000';

function app(allowed = parseAllowedHosts('tracker.local:5000')): Hono {
  const a = new Hono();
  a.use(sameOrigin(allowed));
  a.all('/thing', (c) => c.json({ ok: c.req.method }));
  return a;
}

async function send(a: Hono, method: string, headers: Record<string, string> = {}, url = `${OWN}/thing`) {
  const res = await a.request(url, { method, headers });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

describe('sameOrigin', () => {
  it('lets state changes without Origin or Sec-Fetch-Site through (API clients, curl, MLflow’s client)', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect(await send(app(), method)).toEqual({ status: 200, body: { ok: method } });
    }
  });

  it('lets same-origin browser requests through', async () => {
    expect((await send(app(), 'POST', { origin: OWN, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect((await send(app(), 'DELETE', { origin: 'HTTP://Tracker.Local:5000' })).status).toBe(200);
    // same-site without an Origin (not what browsers send for POST, but not cross-site either).
    expect((await send(app(), 'POST', { 'sec-fetch-site': 'same-site' })).status).toBe(200);
    // The Host header, when there is one, is the request's host (as @hono/node-server makes the URL of it).
    const viaHost = { host: 'tracker.local:5000', origin: OWN };
    expect((await send(app(), 'POST', viaHost, 'http://localhost/thing')).status).toBe(200);
  });

  it('takes the page of a TLS proxy in front (https:// Origin, plain HTTP to the tracker) as same-origin', async () => {
    const proxied = app(parseAllowedHosts('tracker.example.com'));
    const page = { host: 'tracker.example.com', origin: 'https://tracker.example.com' };
    expect((await send(proxied, 'POST', page, 'http://tracker.example.com/thing')).status).toBe(200);
  });

  it('refuses cross-site state changes with 403 PERMISSION_DENIED', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const res = await send(app(), method, { 'sec-fetch-site': 'cross-site' });
      expect(res.status).toBe(403);
      expect(res.body.error_code).toBe('PERMISSION_DENIED');
      expect(res.body.message).toMatch(/cross-site/);
    }
    const foreign = await send(app(), 'POST', { origin: 'https://evil.example' });
    expect(foreign).toMatchObject({ status: 403, body: { error_code: 'PERMISSION_DENIED' } });
    expect(foreign.body.message).toContain('"https://evil.example"');
    expect(foreign.body.message).toContain('"tracker.local:5000"');
    // Another port of the same host is another origin; so is a sandboxed frame's "null".
    expect((await send(app(), 'POST', { origin: 'http://tracker.local:3000' })).status).toBe(403);
    expect((await send(app(), 'POST', { origin: 'null' })).status).toBe(403);
    expect((await send(app(), 'POST', { origin: 'file:///tmp/page.html' })).status).toBe(403);
    // An own Origin does not excuse a cross-site fetch metadata header.
    expect((await send(app(), 'POST', { origin: OWN, 'sec-fetch-site': 'cross-site' })).status).toBe(403);
  });

  it('does not take an Origin that matches the Host as same-origin when the host is not allowed (DNS rebinding)', async () => {
    const rebound = { host: 'attacker.example:5000', origin: 'http://attacker.example:5000' };
    const res = await send(app(LOOPBACK_HOSTS), 'POST', rebound, 'http://attacker.example:5000/thing');
    expect(res).toMatchObject({ status: 403, body: { error_code: 'PERMISSION_DENIED' } });
  });

  it('never blocks reads', async () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS']) {
      const res = await app().request(`${OWN}/thing`, {
        method,
        headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      });
      expect(res.status, method).toBe(200);
    }
  });
});

describe('sameOrigin in the tracker app, over real HTTP', () => {
  let t: TrackerFixture;
  let server: ServerType;
  let url: string;
  beforeAll(async () => {
    t = await openTrackerFixture();
    server = await new Promise((resolve) => {
      const s = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await t?.close();
  });

  const create = (name: string, headers: Record<string, string>) =>
    fetch(`${url}${API}/experiments/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ name }),
    });

  it('refuses a cross-site create and writes nothing; the own origin and plain clients may create', async () => {
    const evil = await create('from-evil', { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    expect(evil.status).toBe(403);
    expect(await evil.json()).toMatchObject({ error_code: 'PERMISSION_DENIED' });
    expect((await t.get(`${API}/experiments/get-by-name`, { experiment_name: 'from-evil' })).status).toBe(404);

    expect((await create('from-page', { origin: url, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect((await create('from-curl', {})).status).toBe(200);
    expect((await t.get(`${API}/experiments/get-by-name`, { experiment_name: 'from-page' })).status).toBe(200);
  });

  it('guards edgeflow’s own endpoints and the artifact upload too', async () => {
    const rollback = await fetch(`${url}/api/2.0/edgeflow/deployments/rollback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ name: 'm' }),
    });
    expect(rollback.status).toBe(403);
    const upload = await fetch(`${url}/api/2.0/mlflow-artifacts/artifacts/0/abc/artifacts/x.txt`, {
      method: 'PUT',
      headers: { origin: 'https://evil.example' },
      body: 'x',
    });
    expect(upload.status).toBe(403);
    // Reads stay open (the worker's CORS is not the tracker's business).
    expect((await fetch(`${url}/health`, { headers: { origin: 'https://evil.example' } })).status).toBe(200);
  });

  it('refuses a DNS-rebinding request (a foreign Host, its Origin matching), reads too, and writes nothing', async () => {
    const rebound = { host: 'attacker.example:5000', origin: 'http://attacker.example:5000' };
    const read = await requestWithHost(`${url}${API}/experiments/search`, rebound.host, {
      headers: { origin: rebound.origin },
    });
    expect(read).toMatchObject({ status: 403, body: { error_code: 'PERMISSION_DENIED' } });
    const write = await requestWithHost(`${url}${API}/experiments/create`, rebound.host, {
      method: 'POST',
      headers: { origin: rebound.origin, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'rebound' }),
    });
    expect(write).toMatchObject({ status: 403, body: { error_code: 'PERMISSION_DENIED' } });
    expect((await t.get(`${API}/experiments/get-by-name`, { experiment_name: 'rebound' })).status).toBe(404);
  });
});
