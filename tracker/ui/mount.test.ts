import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { mountDashboard } from './mount.ts';

function app(): Hono {
  const a = new Hono();
  a.get('/api/2.0/mlflow/experiments/get', (c) => c.json({ experiment: { experiment_id: '0', name: 'Default' } }));
  mountDashboard(a);
  return a;
}

describe('mountDashboard', () => {
  it('serves the HTML shell on the root and on client-side routes, with a strict CSP', async () => {
    const a = app();
    for (const path of [
      '/',
      '/experiments/12?filter=x',
      '/runs/abc',
      '/compare?runs=a,b',
      '/models',
      '/models/fraud%2Fdetector',
    ]) {
      const res = await a.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      const html = await res.text();
      expect(html).toMatch(/<script type="module" src="\/ui\/app\.js\?v=[0-9a-f]{16}"><\/script>/);
      expect(html).toContain('<main id="main"');
    }
  });

  it('serves the bundle (uPlot inside, no remote URLs) with ETags', async () => {
    const a = app();
    const js = await a.request('/ui/app.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    const body = await js.text();
    expect(body.length).toBeGreaterThan(20_000);
    expect(body).toContain('uplot');
    expect(body).not.toMatch(/https?:\/\/(cdn|unpkg|fonts)\./);
    const etag = js.headers.get('etag')!;
    expect((await a.request('/ui/app.js', { headers: { 'if-none-match': etag } })).status).toBe(304);
    const css = await a.request('/ui/app.css');
    expect(css.headers.get('content-type')).toMatch(/text\/css/);
    const cssText = await css.text();
    expect(cssText).toContain('.uplot');
    expect(cssText).toContain('.live-card');
  });

  it('leaves the API alone', async () => {
    const a = app();
    expect(await (await a.request('/api/2.0/mlflow/experiments/get')).json()).toMatchObject({
      experiment: { name: 'Default' },
    });
    expect((await a.request('/api/2.0/mlflow/nope')).status).toBe(404);
    expect((await a.request('/ui/other.js')).status).toBe(404);
  });
});
