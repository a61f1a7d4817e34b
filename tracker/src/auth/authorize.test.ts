import { beforeAll, describe, expect, it } from 'vitest';
import { EDGE_TAG } from '../../../contracts/index.ts';
import { mountDashboard } from '../../ui/mount.ts';
import type { TokenScope } from '../store/auth-store.ts';
import { useTrackerFixture } from '../testing/tracker-fixture.ts';
import { hashPassword } from './password-hash.ts';
import type { PermissionName } from './permission.ts';
import { newSecret, sha256Hex } from './secret.ts';

const ROLES = ['anonymous', 'none', 'read', 'edit', 'manage', 'admin'] as const;
type Role = (typeof ROLES)[number];

/** The permission row each non-admin role has on every experiment and model of its world. */
const ROWS: Partial<Record<Role, PermissionName>> = {
  none: 'NO_PERMISSIONS',
  read: 'READ',
  edit: 'EDIT',
  manage: 'MANAGE',
};

/**
 * What each route needs, restated from MLflow's basic-auth app (`BEFORE_REQUEST_HANDLERS`: read,
 * update = EDIT, delete = MANAGE, manage) and edgeflow's additions (promotion, edge opt-in and opt-out,
 * rollback, deleting a version: MANAGE), independently of `ROUTE_PERMISSIONS`: the least role that passes.
 */
type Least = 'public' | 'signed-in' | 'read' | 'edit' | 'manage' | 'admin';

interface Case {
  least: Least;
  /** The request's parameters (query string for GET, JSON body otherwise), from its world. */
  params?: (w: World) => Record<string, unknown>;
  /** A concrete path for a wildcard route. */
  path?: (w: World) => string;
  body?: string;
  /** What the handler answers even when allowed (e.g. the setup endpoint once set up). */
  status?: number;
}

interface World {
  i: number;
  experimentId: string;
  runId: string;
  model: string;
  me: string;
}

const run =
  (extra: Record<string, unknown> = {}) =>
  (w: World) => ({ run_id: w.runId, ...extra });
const exp =
  (extra: Record<string, unknown> = {}) =>
  (w: World) => ({ experiment_id: w.experimentId, ...extra });
const model =
  (extra: Record<string, unknown> = {}) =>
  (w: World) => ({ name: w.model, ...extra });
const version = (extra: Record<string, unknown> = {}) => model({ version: '1', ...extra });

const CASES: Record<string, Case> = {
  'GET /health': { least: 'public' },
  'GET /': { least: 'public' },
  'GET /experiments': { least: 'public' },
  'GET /experiments/*': { least: 'public', path: () => '/experiments/1' },
  'GET /runs/*': { least: 'public', path: () => '/runs/abc' },
  'GET /compare': { least: 'public' },
  'GET /models': { least: 'public' },
  'GET /models/*': { least: 'public', path: () => '/models/m' },
  'GET /ui/app.js': { least: 'public' },
  'GET /ui/app.css': { least: 'public' },

  'POST /mlflow/experiments/create': { least: 'signed-in', params: (w) => ({ name: `new-${w.i}` }) },
  'GET /mlflow/experiments/get': { least: 'read', params: exp() },
  'GET /mlflow/experiments/get-by-name': { least: 'read', params: (w) => ({ experiment_name: `e${w.i}` }) },
  'GET /mlflow/experiments/search': { least: 'signed-in' },
  'POST /mlflow/experiments/search': { least: 'signed-in' },
  'POST /mlflow/experiments/update': { least: 'edit', params: exp({ new_name: 'renamed' }) },
  'POST /mlflow/experiments/delete': { least: 'manage', params: exp() },
  'POST /mlflow/experiments/restore': { least: 'manage', params: exp() },
  'POST /mlflow/experiments/set-experiment-tag': { least: 'edit', params: exp({ key: 'k', value: 'v' }) },
  'GET /edgeflow/experiments/stats': { least: 'read', params: (w) => ({ experiment_ids: w.experimentId }) },

  'POST /mlflow/runs/create': { least: 'edit', params: exp() },
  'GET /mlflow/runs/get': { least: 'read', params: run() },
  'POST /mlflow/runs/update': { least: 'edit', params: run({ status: 'FINISHED' }) },
  'POST /mlflow/runs/log-batch': { least: 'edit', params: run({ metrics: [{ key: 'm', value: 1, timestamp: 1 }] }) },
  'POST /mlflow/runs/log-metric': { least: 'edit', params: run({ key: 'm', value: 1, timestamp: 1 }) },
  'POST /mlflow/runs/log-parameter': { least: 'edit', params: run({ key: 'p', value: '1' }) },
  'POST /mlflow/runs/log-inputs': { least: 'edit', params: run({ datasets: [] }) },
  'POST /mlflow/runs/log-model': {
    least: 'edit',
    params: (w) => ({
      run_id: w.runId,
      model_json: JSON.stringify({
        artifact_path: 'model',
        flavors: {},
        utc_time_created: '2026-01-01',
        run_id: w.runId,
      }),
    }),
  },
  'POST /mlflow/runs/set-tag': { least: 'edit', params: run({ key: 't', value: '1' }) },
  'POST /mlflow/runs/delete-tag': { least: 'edit', params: run({ key: 't' }) },
  'POST /mlflow/runs/delete': { least: 'manage', params: run() },
  'POST /mlflow/runs/restore': { least: 'manage', params: run() },
  'POST /mlflow/runs/search': { least: 'read', params: (w) => ({ experiment_ids: [w.experimentId] }) },
  'GET /mlflow/metrics/get-history': { least: 'read', params: run({ metric_key: 'm' }) },
  'GET /mlflow/metrics/get-history-bulk-interval': {
    least: 'read',
    params: (w) => ({ run_ids: w.runId, metric_key: 'm' }),
  },
  'GET /mlflow/artifacts/list': { least: 'read', params: run() },
  'GET /mlflow-artifacts/artifacts': { least: 'read', params: (w) => ({ path: w.experimentId }) },
  'GET /mlflow-artifacts/artifacts/*': {
    least: 'read',
    path: (w) => `/mlflow-artifacts/artifacts/${w.experimentId}/${w.runId}/artifacts/x.txt`,
  },
  'PUT /mlflow-artifacts/artifacts/*': {
    least: 'edit',
    path: (w) => `/mlflow-artifacts/artifacts/${w.experimentId}/${w.runId}/artifacts/x.txt`,
    body: 'x',
  },

  'POST /mlflow/registered-models/create': { least: 'signed-in', params: (w) => ({ name: `new-model-${w.i}` }) },
  'GET /mlflow/registered-models/get': { least: 'read', params: model() },
  'GET /mlflow/registered-models/search': { least: 'signed-in' },
  'POST /mlflow/registered-models/rename': { least: 'edit', params: model({ new_name: 'renamed-model' }) },
  'PATCH /mlflow/registered-models/update': { least: 'edit', params: model({ description: 'd' }) },
  'DELETE /mlflow/registered-models/delete': { least: 'manage', params: model() },
  'GET /mlflow/registered-models/get-latest-versions': { least: 'read', params: model() },
  'POST /mlflow/registered-models/get-latest-versions': { least: 'read', params: model() },
  'POST /mlflow/registered-models/set-tag': { least: 'edit', params: model({ key: 'k', value: 'v' }) },
  'DELETE /mlflow/registered-models/delete-tag': { least: 'edit', params: model({ key: 'k' }) },
  'POST /mlflow/registered-models/alias': { least: 'manage', params: version({ alias: 'production' }) },
  'GET /mlflow/registered-models/alias': { least: 'read', params: model({ alias: 'champion' }) },
  'DELETE /mlflow/registered-models/alias': { least: 'manage', params: model({ alias: 'champion' }) },
  'POST /mlflow/model-versions/create': { least: 'edit', params: model({ source: 'runs:/0123/model' }) },
  'GET /mlflow/model-versions/get': { least: 'read', params: version() },
  'PATCH /mlflow/model-versions/update': { least: 'edit', params: version({ description: 'd' }) },
  'DELETE /mlflow/model-versions/delete': { least: 'manage', params: version() },
  'GET /mlflow/model-versions/search': { least: 'signed-in' },
  'POST /mlflow/model-versions/transition-stage': { least: 'manage', params: version({ stage: 'Production' }) },
  'GET /mlflow/model-versions/get-download-uri': { least: 'read', params: version() },
  'POST /mlflow/model-versions/set-tag': { least: 'edit', params: version({ key: 'k', value: 'v' }) },
  'DELETE /mlflow/model-versions/delete-tag': { least: 'manage', params: version({ key: 'k' }) },
  'POST /edgeflow/deployments/rollback': { least: 'manage', params: model() },
  'GET /edgeflow/deployments/get': { least: 'read', params: model() },

  'POST /edgeflow/predictions/log-batch': { least: 'admin', params: () => ({ events: [] }) },
  'POST /edgeflow/feedback': { least: 'admin', params: () => ({ labels: [] }) },
  'GET /edgeflow/predictions/search': { least: 'signed-in' },
  'GET /edgeflow/monitoring/drift': { least: 'read', params: model() },
  'GET /edgeflow/monitoring/traffic': { least: 'read', params: model() },
  'GET /edgeflow/monitoring/quality': { least: 'read', params: model() },

  'POST /mlflow/users/create': {
    least: 'admin',
    params: (w) => ({ username: `new-user-${w.i}`, password: 'x'.repeat(8) }),
  },
  'GET /mlflow/users/get': { least: 'signed-in', params: (w) => ({ username: w.me }) },
  'PATCH /mlflow/users/update-password': {
    least: 'signed-in',
    params: (w) => ({ username: w.me, password: 'y'.repeat(8) }),
  },
  'PATCH /mlflow/users/update-admin': {
    least: 'admin',
    params: (w) => ({ username: `victim-${w.i}`, is_admin: false }),
  },
  'DELETE /mlflow/users/delete': { least: 'admin', params: (w) => ({ username: `victim-${w.i}` }) },
  'POST /mlflow/experiments/permissions/create': {
    least: 'manage',
    params: exp({ username: 'victim-0', permission: 'READ' }),
  },
  'GET /mlflow/experiments/permissions/get': { least: 'manage', params: exp({ username: 'victim-0' }) },
  'PATCH /mlflow/experiments/permissions/update': {
    least: 'manage',
    params: exp({ username: 'victim-0', permission: 'EDIT' }),
  },
  'DELETE /mlflow/experiments/permissions/delete': { least: 'manage', params: exp({ username: 'victim-0' }) },
  'POST /mlflow/registered-models/permissions/create': {
    least: 'manage',
    params: model({ username: 'victim-0', permission: 'READ' }),
  },
  'GET /mlflow/registered-models/permissions/get': { least: 'manage', params: model({ username: 'victim-0' }) },
  'PATCH /mlflow/registered-models/permissions/update': {
    least: 'manage',
    params: model({ username: 'victim-0', permission: 'EDIT' }),
  },
  'DELETE /mlflow/registered-models/permissions/delete': { least: 'manage', params: model({ username: 'victim-0' }) },

  'POST /edgeflow/auth/sign-in': {
    least: 'public',
    params: () => ({ username: 'signer', password: 'signer-password' }),
  },
  'POST /edgeflow/auth/sign-out': { least: 'public' },
  // No setup token was printed (users exist): the endpoint itself refuses, whoever asks.
  'POST /edgeflow/auth/setup': {
    least: 'public',
    params: () => ({ setup_token: 'efs_x', username: 'first', password: 'p'.repeat(8) }),
    status: 403,
  },
  'GET /edgeflow/auth/me': { least: 'signed-in' },
  'POST /edgeflow/tokens/create': { least: 'signed-in', params: () => ({ name: 'ci' }) },
  'GET /edgeflow/tokens/list': { least: 'signed-in' },
  'POST /edgeflow/tokens/revoke': { least: 'signed-in', params: () => ({ id: '999999' }) },
};

const RANK: Record<Role, number> = { anonymous: 0, none: 1, read: 2, edit: 3, manage: 4, admin: 5 };
const LEAST: Record<Least, number> = { public: 0, 'signed-in': 1, read: 2, edit: 3, manage: 4, admin: 5 };

/** 401, 403, or `allowed` (anything else: the handler answered). */
function expected(least: Least, role: Role): 401 | 403 | 'allowed' {
  if (RANK[role] >= LEAST[least]) return 'allowed';
  return role === 'anonymous' ? 401 : 403;
}

/** The case of a route as hono registers it (`/api/2.0` and `/ajax-api/2.0` share theirs). */
function caseOf(method: string, path: string): Case | undefined {
  return CASES[`${method} ${path.replace(/^\/(ajax-)?api\/2\.0/, '')}`];
}

describe('role × route matrix (auth on, a real libSQL file)', () => {
  const t = useTrackerFixture({ auth: { enabled: true } });
  const tokens = {} as Record<Role, string | undefined>;
  const userIds = {} as Record<Role, number>;
  let worlds = 0;

  beforeAll(async () => {
    mountDashboard(t.app, { eager: false });
    const auth = t.store.auth;
    const hash = await hashPassword('signer-password');
    await auth.createUser('signer', hash, false, Date.now());
    for (const role of ROLES) {
      if (role === 'anonymous') continue;
      const user = await auth.createUser(role, hash, role === 'admin', Date.now());
      userIds[role] = user.id;
      tokens[role] = await token(user.id, 'all');
    }
  });

  async function token(userId: number, scope: TokenScope): Promise<string> {
    const secret = newSecret('efk_');
    const now = Date.now();
    await t.store.auth.createToken({
      userId,
      name: 'matrix',
      tokenHash: sha256Hex(secret),
      scope,
      now,
      expiryTime: now + 60_000,
    });
    return secret;
  }

  /** A fresh experiment (with a run) and model on which each role has its row, and a user to act on. */
  async function world(role: Role): Promise<World> {
    const i = ++worlds;
    const { store } = t;
    const experimentId = await store.createExperiment({ name: `e${i}` });
    const { info } = await store.createRun({ experiment_id: experimentId });
    const name = `m${i}`;
    await store.createRegisteredModel({ name });
    for (const [r, permission] of Object.entries(ROWS)) {
      await store.auth.grant('experiment', experimentId, userIds[r as Role], permission);
      await store.auth.grant('model', name, userIds[r as Role], permission);
    }
    await store.auth.createUser(`victim-${i}`, 'scrypt$1$1$1$AA$AA', false, Date.now());
    return { i, experimentId, runId: info.run_id, model: name, me: role };
  }

  async function send(method: string, path: string, c: Case, role: Role): Promise<Response> {
    const w = await world(role);
    const prefix = path.startsWith('/ajax-api/') ? '/ajax-api/2.0' : '/api/2.0';
    let url = c.path ? `${path.startsWith('/api/') || path.startsWith('/ajax-api/') ? prefix : ''}${c.path(w)}` : path;
    const params = c.params?.(w) ?? {};
    const headers: Record<string, string> = {};
    if (tokens[role]) headers.authorization = `Bearer ${tokens[role]}`;
    let body: string | undefined = c.body;
    if (method === 'GET') {
      const qs = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
      if (qs) url += `?${qs}`;
    } else if (body === undefined) {
      body = JSON.stringify(params);
      headers['content-type'] = 'application/json';
    }
    return t.app.request(url, { method, headers, body });
  }

  it('answers every route × role as MLflow’s permissions (and edgeflow’s additions) say', async () => {
    const seen = new Set<string>();
    const wrong: string[] = [];
    let cells = 0;
    for (const { method, path } of t.app.routes) {
      if (method === 'ALL' || seen.has(`${method} ${path}`)) continue;
      seen.add(`${method} ${path}`);
      const c = caseOf(method, path);
      if (!c) {
        wrong.push(`${method} ${path}: no case in this test`);
        continue;
      }
      for (const role of ROLES) {
        const res = await send(method, path, c, role);
        cells++;
        const want = c.status ?? expected(c.least, role);
        const got = res.status === 401 || res.status === 403 ? res.status : 'allowed';
        if (got !== want) wrong.push(`${method} ${path} as ${role}: ${res.status} ${await res.text()}`);
        else if (got === 401) {
          expect(res.headers.get('www-authenticate')).toBe('Basic realm="mlflow"');
          expect(await res.json()).toMatchObject({ error_code: 'UNAUTHENTICATED' });
        } else if (got === 403) expect(await res.json()).toMatchObject({ error_code: 'PERMISSION_DENIED' });
      }
    }
    expect(wrong).toEqual([]);
    // Every route the app has, under both prefixes, × the six roles.
    expect(cells).toBe(seen.size * ROLES.length);
    console.log(`role × route matrix: ${seen.size} routes × ${ROLES.length} roles = ${cells} requests`);
  }, 120_000);

  it('opting a model in to the edge or out (its edgeflow.edge tag) needs MANAGE, other tags EDIT', async () => {
    const setTag = '/api/2.0/mlflow/registered-models/set-tag';
    const cases: [string, string, Least, Record<string, string>][] = [
      ['POST', setTag, 'manage', { key: EDGE_TAG, value: 'true' }],
      ['POST', setTag, 'manage', { key: EDGE_TAG, value: 'false' }],
      ['DELETE', '/api/2.0/mlflow/registered-models/delete-tag', 'manage', { key: EDGE_TAG }],
      ['POST', setTag, 'edit', { key: `${EDGE_TAG}.note`, value: 'true' }],
    ];
    const wrong: string[] = [];
    for (const [method, path, least, tag] of cases) {
      for (const role of ROLES) {
        const res = await send(method, path, { least, params: model(tag) }, role);
        const got = res.status === 401 || res.status === 403 ? res.status : 'allowed';
        if (got !== expected(least, role))
          wrong.push(`${method} ${path} ${JSON.stringify(tag)} as ${role}: ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
