import { Hono } from 'hono';
import * as z from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { readInput } from '../http/input.ts';
import { int64, LIMITS, requireRunId, runIdFields, runIdOf } from './fields.ts';

const GetHistory = z
  .object({
    ...runIdFields,
    metric_key: z.string().min(1),
    max_results: int64.pipe(z.number().min(1).max(LIMITS.historyPage)).default(LIMITS.historyPage),
    page_token: z.string().optional(),
  })
  .refine(...requireRunId);

/**
 * `metrics/get-history`: a metric's points in (step, timestamp) order, up to 25,000 a page, keyset page
 * tokens. The body is built by SQLite and sent as it is.
 */
export function metricRoutes({ store }: AppDeps): Hono {
  const app = new Hono();

  app.get('/metrics/get-history', async (c) => {
    const q = await readInput(c, GetHistory);
    const body = await store.getMetricHistoryJson(runIdOf(q), q.metric_key, {
      max_results: q.max_results,
      page_token: q.page_token,
    });
    return c.body(body, 200, { 'content-type': 'application/json' });
  });

  return app;
}
