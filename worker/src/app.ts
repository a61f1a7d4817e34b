import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { EdgeError } from '../../contracts/index.ts';
import { corsFromEnv } from './cors-from-env.ts';
import { docsPage } from './docs-page.ts';
import { EdgeHttpError } from './edge-error.ts';
import { handleFeedback } from './feedback-handler.ts';
import { handleHealth, handleHealthDetails } from './health-handler.ts';
import { handleMetrics } from './metrics-handler.ts';
import { handleModelInfo } from './model-info-handler.ts';
import type { ModelRegistry } from './model-registry.ts';
import { openApiDocument } from './openapi.ts';
import { handlePredict } from './predict-handler.ts';
import { refuseOversizeBody } from './refuse-oversize-body.ts';
import { requireApiKey } from './require-api-key.ts';

/** What `createApp` takes besides the registry. */
export interface AppOptions {
  /** The clock (milliseconds) of the API-key caches and failed-attempt counts (default `Date.now`). */
  now?: () => number;
}

/**
 * The edge worker: `POST /predict` (DEFAULT_MODEL), `POST /v1/models/:name/predict`,
 * `POST /v1/models/:name/versions/:version/predict`, `POST /feedback`, `GET /v1/models/:name`, `GET /health`,
 * `GET /health/details`, `GET /metrics`, `GET /openapi.json`, `GET /docs`, `GET /ping`, serving the models of
 * `registry`. CORS from `CORS_ORIGINS`. `/ping`, `/health`, `/openapi.json` and `/docs` are public; every other
 * route, and any unknown path, first refuses a declared body over `MAX_BODY_BYTES`, then needs an API key when
 * `REQUIRE_API_KEY` is on.
 *
 * @example
 * ```ts
 * export default createApp(new ModelRegistry()); // one registry per isolate
 * ```
 */
export function createApp(registry: ModelRegistry, options: AppOptions = {}): Hono<{ Bindings: Env }> {
  const app = new Hono<{ Bindings: Env }>();

  app.use(corsFromEnv());
  // public: these answer before the guards below run, and say nothing internal
  app.get('/ping', (c) => c.text('pong'));
  app.get('/health', (c) => handleHealth(c, registry));
  app.get('/openapi.json', (c) => c.json(openApiDocument()));
  app.get('/docs', (c) => c.html(docsPage()));

  // every route registered below, and any unknown path, goes through these (an oversize body is refused
  // before the API key is looked up)
  app.use(refuseOversizeBody(), requireApiKey(options.now));
  app.get('/health/details', (c) => handleHealthDetails(c, registry));
  app.get('/metrics', (c) => handleMetrics(c, registry));
  app.post('/predict', (c) => handlePredict(c, registry, c.env.DEFAULT_MODEL));
  app.post('/feedback', (c) => handleFeedback(c));
  app.get('/v1/models/:name', (c) => handleModelInfo(c, registry));
  app.post('/v1/models/:name/predict', (c) => handlePredict(c, registry, c.req.param('name')));
  app.post('/v1/models/:name/versions/:version/predict', (c) =>
    handlePredict(c, registry, c.req.param('name'), c.req.param('version')),
  );

  app.notFound((c) =>
    c.json(
      { error: { code: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` } } satisfies EdgeError,
      404,
    ),
  );

  app.onError((error, c) => {
    if (error instanceof EdgeHttpError) {
      return c.json({ error: { code: error.code, message: error.message } } satisfies EdgeError, error.status);
    }
    if (error instanceof HTTPException) {
      return c.json(
        { error: { code: 'http_error', message: error.message || 'request failed' } } satisfies EdgeError,
        error.status,
      );
    }
    console.error('edgeflow: unexpected error', error);
    return c.json({ error: { code: 'internal', message: 'internal error' } } satisfies EdgeError, 500);
  });

  return app;
}
