import { Hono } from 'hono';
import type { AppDeps } from './app-deps.ts';
import { DEFAULT_BODY_LIMITS } from './config.ts';
import { LOOPBACK_HOSTS } from './http/allowed-hosts.ts';
import { jsonBodyLimit } from './http/body-limits.ts';
import { hostCheck } from './http/host-check.ts';
import { notFoundHandler, onError } from './http/on-error.ts';
import { refuseDotSegments } from './http/raw-path.ts';
import { reply } from './http/reply.ts';
import { sameOrigin } from './http/same-origin.ts';
import { aliasRoutes } from './routes/aliases.ts';
import { proxiedArtifactRoutes, runArtifactRoutes } from './routes/artifacts.ts';
import { deploymentRoutes } from './routes/deployments.ts';
import { experimentStatsRoutes } from './routes/experiment-stats.ts';
import { experimentRoutes } from './routes/experiments.ts';
import { feedbackRoutes } from './routes/feedback.ts';
import { metricBulkIntervalRoutes } from './routes/metric-bulk-interval.ts';
import { metricRoutes } from './routes/metrics.ts';
import { modelVersionRoutes } from './routes/model-versions.ts';
import { monitoringRoutes } from './routes/monitoring.ts';
import { monitoringQualityRoutes } from './routes/monitoring-quality.ts';
import { predictionRoutes } from './routes/predictions.ts';
import { registeredModelRoutes } from './routes/registered-models.ts';
import { runRoutes } from './routes/runs.ts';

/**
 * The tracker's HTTP app: MLflow's REST API under `/api/2.0/mlflow` (and `/ajax-api/2.0/mlflow`, as
 * MLflow's server also answers), MLflow's proxied artifact store under `/api/2.0/mlflow-artifacts`,
 * edgeflow's deployment, prediction-event and monitoring endpoints under `/api/2.0/edgeflow`, and `GET /health`. Errors are MLflow's
 * `{error_code, message}`. A request naming a host not in `allowedHosts` is refused, and so is a
 * cross-site state change (see `hostCheck`, `sameOrigin`). A path with `.` or `..` segments is
 * refused; JSON bodies are capped at `limits.maxJsonBytes`, artifact uploads at
 * `limits.maxArtifactBytes`.
 */
export function createApp(deps: AppDeps): Hono {
  const limits = deps.limits ?? DEFAULT_BODY_LIMITS;
  const allowedHosts = deps.allowedHosts ?? LOOPBACK_HOSTS;
  const app = new Hono();
  app.use(hostCheck(allowedHosts));
  app.use(refuseDotSegments());
  app.use(sameOrigin(allowedHosts));
  const jsonLimit = jsonBodyLimit(limits.maxJsonBytes);

  const mlflow = new Hono();
  mlflow.use(jsonLimit);
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
  const edgeflow = new Hono();
  edgeflow.use(jsonLimit);
  edgeflow.route('/', deploymentRoutes(deps));
  edgeflow.route('/', experimentStatsRoutes(deps));
  edgeflow.route('/', predictionRoutes(deps));
  edgeflow.route('/', feedbackRoutes(deps));
  edgeflow.route('/', monitoringRoutes(deps));
  edgeflow.route('/', monitoringQualityRoutes(deps));
  app.route('/api/2.0/edgeflow', edgeflow);

  app.get('/health', (c) => reply(c, { status: 'ok' }));

  app.onError(onError);
  app.notFound(notFoundHandler);
  return app;
}
