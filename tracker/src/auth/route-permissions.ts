import * as z from 'zod';
import { EDGE_TAG, PRODUCTION_ALIAS } from '../../../contracts/index.ts';
import { SHELL_PATHS } from '../../ui/app/router.ts';
import type { ResourceKind } from '../store/auth-store.ts';
import { canonicalStage } from '../store/guards.ts';
import {
  type NeedOf,
  onArtifactPath,
  onExperiment,
  onExperimentName,
  onExperiments,
  onModel,
  onRun,
  onRuns,
} from './resource-ids.ts';

/**
 * What a route needs:
 * - `public`: nothing (health, sign-in, setup, the dashboard's shell and assets);
 * - `signed-in`: any identity;
 * - `admin`: an admin;
 * - `self`: the user the `username` parameter names, or an admin;
 * - `ingest`: `EDGEFLOW_INGEST_TOKEN`, an ingest token, or an admin's API token;
 * - `resource`: a permission on experiments or models, found by `need` (admins need none);
 * - `filtered`: any identity; the answer's `list` keeps only the items whose `key` it may read.
 * `grants`: on success the creator gets MANAGE on what was created (its id at `grants.key` of the answer).
 */
export type Rule =
  | { access: 'public' | 'signed-in' | 'admin' | 'self' | 'ingest'; grants?: Grant }
  | { access: 'resource'; need: NeedOf }
  | { access: 'filtered'; kind: ResourceKind; list: string; key: string };

/** MANAGE for the creator on the resource at `path` of the created answer. */
export interface Grant {
  kind: ResourceKind;
  path: readonly string[];
}

const PUBLIC: Rule = { access: 'public' };
const SIGNED_IN: Rule = { access: 'signed-in' };
const ADMIN: Rule = { access: 'admin' };
const SELF: Rule = { access: 'self' };
const need = (of: NeedOf): Rule => ({ access: 'resource', need: of });

const Stage = z.object({
  stage: z
    .string()
    .min(1)
    .transform((s) => canonicalStage(s)),
});
const Alias = z.object({ alias: z.string() });
const TagKey = z.object({ key: z.string() });

/**
 * A deployment change needs MANAGE, not EDIT: a promotion (to Production, or the `production` alias), and
 * opting a model in to the edge or out (setting or deleting its `EDGE_TAG` tag).
 */
const deploying = {
  stage: onModel(Stage, ({ stage }) => (stage === 'Production' ? 'manage' : 'update')),
  alias: onModel(Alias, ({ alias }) => (alias === PRODUCTION_ALIAS ? 'manage' : 'update')),
  edgeTag: onModel(TagKey, ({ key }) => (key === EDGE_TAG ? 'manage' : 'update')),
};

/**
 * Every route of the tracker and what it needs, keyed `METHOD path` as hono registers it (`/ajax-api/2.0`
 * routes share their `/api/2.0` twin's entry). MLflow's basic-auth app's `BEFORE_REQUEST_HANDLERS`,
 * with edgeflow's additions: promotion, edge opt-in and opt-out, rollback and deleting a version need
 * MANAGE; searching runs and the other reads of several experiments need READ on each.
 */
export const ROUTE_PERMISSIONS: Readonly<Record<string, Rule>> = {
  'GET /health': PUBLIC,
  ...Object.fromEntries([...SHELL_PATHS, '/ui/app.js', '/ui/app.css'].map((path) => [`GET ${path}`, PUBLIC])),

  // experiments
  'POST /api/2.0/mlflow/experiments/create': {
    access: 'signed-in',
    grants: { kind: 'experiment', path: ['experiment_id'] },
  },
  'GET /api/2.0/mlflow/experiments/get': need(onExperiment('read')),
  'GET /api/2.0/mlflow/experiments/get-by-name': need(onExperimentName('read')),
  'GET /api/2.0/mlflow/experiments/search': {
    access: 'filtered',
    kind: 'experiment',
    list: 'experiments',
    key: 'experiment_id',
  },
  'POST /api/2.0/mlflow/experiments/search': {
    access: 'filtered',
    kind: 'experiment',
    list: 'experiments',
    key: 'experiment_id',
  },
  'POST /api/2.0/mlflow/experiments/update': need(onExperiment('update')),
  'POST /api/2.0/mlflow/experiments/delete': need(onExperiment('delete')),
  'POST /api/2.0/mlflow/experiments/restore': need(onExperiment('delete')),
  'POST /api/2.0/mlflow/experiments/set-experiment-tag': need(onExperiment('update')),
  'GET /api/2.0/edgeflow/experiments/stats': need(onExperiments('read')),

  // runs (their experiment's permission)
  'POST /api/2.0/mlflow/runs/create': need(onExperiment('update', true)),
  'GET /api/2.0/mlflow/runs/get': need(onRun('read')),
  'POST /api/2.0/mlflow/runs/update': need(onRun('update')),
  'POST /api/2.0/mlflow/runs/log-batch': need(onRun('update')),
  'POST /api/2.0/mlflow/runs/log-metric': need(onRun('update')),
  'POST /api/2.0/mlflow/runs/log-parameter': need(onRun('update')),
  'POST /api/2.0/mlflow/runs/log-inputs': need(onRun('update')),
  'POST /api/2.0/mlflow/runs/log-model': need(onRun('update')),
  'POST /api/2.0/mlflow/runs/set-tag': need(onRun('update')),
  'POST /api/2.0/mlflow/runs/delete-tag': need(onRun('update')),
  'POST /api/2.0/mlflow/runs/delete': need(onRun('delete')),
  'POST /api/2.0/mlflow/runs/restore': need(onRun('delete')),
  'POST /api/2.0/mlflow/runs/search': need(onExperiments('read')),
  'GET /api/2.0/mlflow/metrics/get-history': need(onRun('read')),
  'GET /api/2.0/mlflow/metrics/get-history-bulk-interval': need(onRuns('read')),
  'GET /api/2.0/mlflow/artifacts/list': need(onRun('read')),

  // the proxied artifact store (the experiment folder the path is in)
  'GET /api/2.0/mlflow-artifacts/artifacts': need(onArtifactPath('read', 'query')),
  'GET /api/2.0/mlflow-artifacts/artifacts/*': need(onArtifactPath('read', 'url')),
  'PUT /api/2.0/mlflow-artifacts/artifacts/*': need(onArtifactPath('update', 'url')),

  // registered models, their versions and aliases (the model's permission)
  'POST /api/2.0/mlflow/registered-models/create': {
    access: 'signed-in',
    grants: { kind: 'model', path: ['registered_model', 'name'] },
  },
  'GET /api/2.0/mlflow/registered-models/get': need(onModel('read')),
  'GET /api/2.0/mlflow/registered-models/search': {
    access: 'filtered',
    kind: 'model',
    list: 'registered_models',
    key: 'name',
  },
  'POST /api/2.0/mlflow/registered-models/rename': need(onModel('update')),
  'PATCH /api/2.0/mlflow/registered-models/update': need(onModel('update')),
  'DELETE /api/2.0/mlflow/registered-models/delete': need(onModel('delete')),
  'GET /api/2.0/mlflow/registered-models/get-latest-versions': need(onModel('read')),
  'POST /api/2.0/mlflow/registered-models/get-latest-versions': need(onModel('read')),
  'POST /api/2.0/mlflow/registered-models/set-tag': need(deploying.edgeTag),
  'DELETE /api/2.0/mlflow/registered-models/delete-tag': need(deploying.edgeTag),
  'POST /api/2.0/mlflow/registered-models/alias': need(deploying.alias),
  'GET /api/2.0/mlflow/registered-models/alias': need(onModel('read')),
  'DELETE /api/2.0/mlflow/registered-models/alias': need(onModel('delete')),
  'POST /api/2.0/mlflow/model-versions/create': need(onModel('update')),
  'GET /api/2.0/mlflow/model-versions/get': need(onModel('read')),
  'PATCH /api/2.0/mlflow/model-versions/update': need(onModel('update')),
  'DELETE /api/2.0/mlflow/model-versions/delete': need(onModel('delete')),
  'GET /api/2.0/mlflow/model-versions/search': {
    access: 'filtered',
    kind: 'model',
    list: 'model_versions',
    key: 'name',
  },
  'POST /api/2.0/mlflow/model-versions/transition-stage': need(deploying.stage),
  'GET /api/2.0/mlflow/model-versions/get-download-uri': need(onModel('read')),
  'POST /api/2.0/mlflow/model-versions/set-tag': need(onModel('update')),
  'DELETE /api/2.0/mlflow/model-versions/delete-tag': need(onModel('delete')),
  'POST /api/2.0/edgeflow/deployments/rollback': need(onModel('manage')),
  'GET /api/2.0/edgeflow/deployments/get': need(onModel('read')),

  // prediction events
  'POST /api/2.0/edgeflow/predictions/log-batch': { access: 'ingest' },
  'POST /api/2.0/edgeflow/feedback': { access: 'ingest' },
  'GET /api/2.0/edgeflow/predictions/search': { access: 'filtered', kind: 'model', list: 'events', key: 'model' },

  // monitoring (the model's permission)
  'GET /api/2.0/edgeflow/monitoring/drift': need(onModel('read')),
  'GET /api/2.0/edgeflow/monitoring/traffic': need(onModel('read')),
  'GET /api/2.0/edgeflow/monitoring/quality': need(onModel('read')),

  // MLflow's basic-auth API
  'POST /api/2.0/mlflow/users/create': ADMIN,
  'GET /api/2.0/mlflow/users/get': SELF,
  'PATCH /api/2.0/mlflow/users/update-password': SELF,
  'PATCH /api/2.0/mlflow/users/update-admin': ADMIN,
  'DELETE /api/2.0/mlflow/users/delete': ADMIN,
  'POST /api/2.0/mlflow/experiments/permissions/create': need(onExperiment('manage')),
  'GET /api/2.0/mlflow/experiments/permissions/get': need(onExperiment('manage')),
  'PATCH /api/2.0/mlflow/experiments/permissions/update': need(onExperiment('manage')),
  'DELETE /api/2.0/mlflow/experiments/permissions/delete': need(onExperiment('manage')),
  'POST /api/2.0/mlflow/registered-models/permissions/create': need(onModel('manage')),
  'GET /api/2.0/mlflow/registered-models/permissions/get': need(onModel('manage')),
  'PATCH /api/2.0/mlflow/registered-models/permissions/update': need(onModel('manage')),
  'DELETE /api/2.0/mlflow/registered-models/permissions/delete': need(onModel('manage')),

  // edgeflow's sign-in and tokens (a user manages their own tokens, an admin everyone's: see tokens.ts)
  'POST /api/2.0/edgeflow/auth/sign-in': PUBLIC,
  'POST /api/2.0/edgeflow/auth/sign-out': PUBLIC,
  'POST /api/2.0/edgeflow/auth/setup': PUBLIC,
  'GET /api/2.0/edgeflow/auth/me': SIGNED_IN,
  'POST /api/2.0/edgeflow/tokens/create': SIGNED_IN,
  'GET /api/2.0/edgeflow/tokens/list': SIGNED_IN,
  'POST /api/2.0/edgeflow/tokens/revoke': SIGNED_IN,
};

/** The rule of the route hono registered as `method path`, or undefined when the table has none. */
export function ruleOf(method: string, path: string): Rule | undefined {
  return ROUTE_PERMISSIONS[`${method} ${path.replace(/^\/ajax-api\/2\.0\//, '/api/2.0/')}`];
}
