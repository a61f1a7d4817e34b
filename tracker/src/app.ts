import { Hono } from 'hono';
import type { AppDeps } from './app-deps.ts';
import { notFoundHandler, onError } from './http/on-error.ts';
import { reply } from './http/reply.ts';
import { sameOrigin } from './http/same-origin.ts';
import { aliasRoutes } from './routes/aliases.ts';
import { proxiedArtifactRoutes, runArtifactRoutes } from './routes/artifacts.ts';
import { deploymentRoutes } from './routes/deployments.ts';
import { experimentStatsRoutes } from './routes/experiment-stats.ts';
import { experimentRoutes } from './routes/experiments.ts';
import { metricBulkIntervalRoutes } from './routes/metric-bulk-interval.ts';
import { metricRoutes } from './routes/metrics.ts';
import { modelVersionRoutes } from './routes/model-versions.ts';
import { registeredModelRoutes } from './routes/registered-models.ts';
import { runRoutes } from './routes/runs.ts';

/**
 * The tracker's HTTP app: MLflow's REST API under `/api/2.0/mlflow` (and `/ajax-api/2.0/mlflow`, as
 * MLflow's server also answers), MLflow's proxied artifact store under `/api/2.0/mlflow-artifacts`,
 * edgeflow's deployment endpoints under `/api/2.0/edgeflow`, and `GET /health`. Errors are MLflow's
 * `{error_code, message}`.
 */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.use(sameOrigin());

  const mlflow = new Hono();
  for (const routes of [
    experimentRoutes,
    runRoutes,
    metricRoutes,
    metricBulkIntervalRoutes,
    registeredModelRoutes,
    modelVersionRoutes,
    aliasRoutes,
    runArtifactRoutes,
  ]) {
    mlflow.route('/', routes(deps));
  }
  const artifacts = proxiedArtifactRoutes(deps);

  for (const prefix of ['/api/2.0', '/ajax-api/2.0']) {
    app.route(`${prefix}/mlflow`, mlflow);
    app.route(`${prefix}/mlflow-artifacts`, artifacts);
  }
  app.route('/api/2.0/edgeflow', deploymentRoutes(deps));
  app.route('/api/2.0/edgeflow', experimentStatsRoutes(deps));

  app.get('/health', (c) => reply(c, { status: 'ok' }));

  app.onError(onError);
  app.notFound(notFoundHandler);
  return app;
}
