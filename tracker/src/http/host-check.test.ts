import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { useTrackerFixture } from '../testing/tracker-fixture.ts';
import { LOOPBACK_HOSTS, parseAllowedHosts } from './allowed-hosts.ts';
import { hostCheck } from './host-check.ts';

function app(allowed = LOOPBACK_HOSTS): Hono {
  const a = new Hono();
  a.use(hostCheck(allowed));
  a.all('/thing', (c) => c.json({ ok: c.req.method }));
  return a;
}

describe('hostCheck', () => {
  it('refuses any method, reads included, with 403 PERMISSION_DENIED naming the host', async () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      const res = await app().request('http://localhost/thing', { method, headers: { host: 'attacker.example:5000' } });
      expect(res.status, method).toBe(403);
      if (method === 'HEAD') continue;
      expect(await res.json()).toEqual({
        error_code: 'PERMISSION_DENIED',
        message:
          'This tracker does not answer to the host "attacker.example:5000"; add it to EDGEFLOW_ALLOWED_HOSTS if it is the tracker\'s own name.',
      });
    }
  });

  it('lets the allowed hosts through; without a Host header, the URL’s host counts', async () => {
    const a = app(parseAllowedHosts('tracker.example.com'));
    for (const host of ['localhost:5000', '127.0.0.1', '[::1]:5000', 'tracker.example.com']) {
      expect((await a.request('http://localhost/thing', { headers: { host } })).status, host).toBe(200);
    }
    // app.request('/thing') is http://localhost/thing, with no Host header.
    expect((await a.request('/thing')).status).toBe(200);
    expect((await a.request('http://tracker.example.com/thing')).status).toBe(200);
    expect((await a.request('http://attacker.example/thing')).status).toBe(403);
  });

  it('cuts a long host in the message', async () => {
    const res = await app().request('/thing', { headers: { host: `${'a'.repeat(1000)}.example` } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { message: string }).message.length).toBeLessThan(400);
  });
});

describe('hostCheck in the tracker app', () => {
  const t = useTrackerFixture({ allowedHosts: parseAllowedHosts('tracker.example.com') });

  it('guards every route, unknown paths and the API alike, and lets the allowed names in', async () => {
    for (const path of ['/health', '/api/2.0/mlflow/experiments/search', '/nowhere']) {
      const res = await t.app.request(path, { headers: { host: 'attacker.example' } });
      expect(res.status, path).toBe(403);
    }
    const res = await t.app.request('/api/2.0/mlflow/experiments/get?experiment_id=0', {
      headers: { host: 'tracker.example.com' },
    });
    expect(res.status).toBe(200);
  });
});
