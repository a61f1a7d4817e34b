import { Hono } from 'hono';
import * as z from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { invalid } from '../errors.ts';
import { readInput } from '../http/input.ts';
import { int64, LIMITS } from './fields.ts';
import { maxResults, stringList } from './search-params.ts';

const GetHistoryBulkInterval = z.object({
  run_ids: stringList(100).pipe(z.array(z.string().min(1)).min(1, 'at least one run id is required')),
  metric_key: z.string().min(1).max(LIMITS.keyLength),
  start_step: int64.optional(),
  end_step: int64.optional(),
  max_results: maxResults(2500, 2500),
});

/**
 * `metrics/get-history-bulk-interval?run_ids=a&run_ids=b&metric_key=loss[&start_step&end_step][&max_results]`:
 * one metric of up to 100 runs, sampled to `max_results` (≤ 2,500) steps as MLflow samples them (each
 * run's first and last step kept) → `{metrics: [{key, value, timestamp, step, run_id}]}`. The body is built
 * by SQLite and sent as it is.
 */
export function metricBulkIntervalRoutes({ store }: AppDeps): Hono {
  const app = new Hono();
  app.get('/metrics/get-history-bulk-interval', async (c) => {
    const q = await readInput(c, GetHistoryBulkInterval);
    if ((q.start_step === undefined) !== (q.end_step === undefined)) {
      throw invalid('If either start step or end step are specified, both must be specified.');
    }
    if (q.start_step !== undefined && q.end_step !== undefined && q.start_step > q.end_step) {
      throw invalid(
        `end_step must be greater than start_step. Found start_step=${q.start_step} and end_step=${q.end_step}.`,
      );
    }
    const body = await store.getMetricHistoryBulkIntervalJson(q);
    return c.body(body, 200, { 'content-type': 'application/json' });
  });
  return app;
}
