import { beforeAll, describe, expect, it } from 'vitest';
import { mountDashboard } from '../../ui/mount.ts';
import { useTrackerFixture } from '../testing/tracker-fixture.ts';
import { ROUTE_PERMISSIONS, ruleOf } from './route-permissions.ts';

/** The app-wide middleware (`app.use`, method ALL): the only routes without a rule of their own. */
const MIDDLEWARE = new Set(['/*', '/api/2.0/mlflow/*', '/ajax-api/2.0/mlflow/*', '/api/2.0/edgeflow/*']);

describe('ROUTE_PERMISSIONS', () => {
  const t = useTrackerFixture();
  beforeAll(() => mountDashboard(t.app, { eager: false }));

  it('has a rule for every route of the app, the dashboard’s included', () => {
    const missing: string[] = [];
    for (const { method, path } of t.app.routes) {
      if (method === 'ALL') {
        expect(MIDDLEWARE, `ALL ${path} is not known middleware`).toContain(path);
        continue;
      }
      if (!ruleOf(method, path)) missing.push(`${method} ${path}`);
    }
    expect(missing).toEqual([]);
  });

  it('names no route the app does not have', () => {
    const routes = new Set(t.app.routes.map((r) => `${r.method} ${r.path}`));
    expect(Object.keys(ROUTE_PERMISSIONS).filter((key) => !routes.has(key))).toEqual([]);
  });
});
