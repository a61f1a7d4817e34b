import { Hono } from 'hono';
import * as z from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { readInput } from '../http/input.ts';
import { reply } from '../http/reply.ts';
import { stringList } from './search-params.ts';

const ExperimentStats = z.object({ experiment_ids: stringList(1000) });

/**
 * edgeflow's `GET experiments/stats?experiment_ids=1&experiment_ids=2` (mounted at `/api/2.0/edgeflow`):
 * `{stats: [{experiment_id, run_count, last_run_start_time}]}` over active runs, in the order asked,
 * for the dashboard's experiment list (one indexed GROUP BY instead of a search per experiment).
 */
export function experimentStatsRoutes({ store }: AppDeps): Hono {
  const app = new Hono();
  app.get('/experiments/stats', async (c) => {
    const { experiment_ids } = await readInput(c, ExperimentStats);
    return reply(c, { stats: await store.experimentStats(experiment_ids) });
  });
  return app;
}
