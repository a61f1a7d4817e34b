import { Hono } from 'hono';
import type { AppDeps } from './app-deps.ts';
import { AuthState } from './auth/auth-state.ts';
import { authenticate } from './auth/authenticate.ts';
import { authorize } from './auth/authorize.ts';
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
import { permissionRoutes } from './routes/permissions.ts';
import { predictionRoutes } from './routes/predictions.ts';
import { registeredModelRoutes } from './routes/registered-models.ts';
import { runRoutes } from './routes/runs.ts';
import { signInRoutes } from './routes/sign-in.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { userRoutes } from './routes/users.ts';

/**
 * The tracker's HTTP app: MLflow's REST API under `/api/2.0/mlflow` (and `/ajax-api/2.0/mlflow`, as
 * MLflow's server also answers), MLflow's proxied artifact store under `/api/2.0/mlflow-artifacts`,
 * edgeflow's deployment, prediction-event and monitoring endpoints under `/api/2.0/edgeflow`, and `GET /health`. Errors are MLflow's
 * `{error_code, message}`. A request naming a host not in `allowedHosts` is refused, and so is a
 * cross-site state change (see `hostCheck`, `sameOrigin`). A path with `.` or `..` segments is
 * refused; JSON bodies are capped at `limits.maxJsonBytes`, artifact uploads at
 * `limits.maxArtifactBytes`. Then every request is authenticated (`authenticate`: the local admin while
 * auth is off) and checked against `ROUTE_PERMISSIONS` (`authorize`).
 */
export function createApp(deps: AppDeps): Hono {
  const limits = deps.limits ?? DEFAULT_BODY_LIMITS;
  const allowedHosts = deps.allowedHosts ?? LOOPBACK_HOSTS;
  const auth = new AuthState(deps.store.auth, deps.auth, deps.ingest?.token);
  const app = new Hono();
  app.use(hostCheck(allowedHosts));
  app.use(refuseDotSegments());
  app.use(sameOrigin(allowedHosts));
  // Before `authorize`, which reads the parameters of the request.
  const jsonLimit = jsonBodyLimit(limits.maxJsonBytes);
  for (const path of ['/api/2.0/mlflow/*', '/ajax-api/2.0/mlflow/*', '/api/2.0/edgeflow/*']) app.use(path, jsonLimit);
  app.use(authenticate(auth));
  app.use(authorize(auth));
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
  mlflow.route('/', userRoutes(auth));
  mlflow.route('/', permissionRoutes(auth));
  const artifacts = proxiedArtifactRoutes(deps);
  for (const prefix of ['/api/2.0', '/ajax-api/2.0']) {
    app.route(`${prefix}/mlflow`, mlflow);
    app.route(`${prefix}/mlflow-artifacts`, artifacts);
  }
  const edgeflow = new Hono();
  edgeflow.route('/', deploymentRoutes(deps));
  edgeflow.route('/', experimentStatsRoutes(deps));
  edgeflow.route('/', predictionRoutes(deps));
  edgeflow.route('/', feedbackRoutes(deps));
  edgeflow.route('/', signInRoutes(auth));
  edgeflow.route('/', tokenRoutes(auth));
  edgeflow.route('/', monitoringRoutes(deps));
  edgeflow.route('/', monitoringQualityRoutes(deps));
  app.route('/api/2.0/edgeflow', edgeflow);
  app.get('/health', (c) => reply(c, { status: 'ok' }));

  app.onError(onError);
  app.notFound(notFoundHandler);
  return app;
}
