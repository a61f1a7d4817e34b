import { type Context, Hono } from 'hono';
import * as z from 'zod';
import type { AppDeps } from '../app.ts';
import { reply } from '../http/reply.ts';
import { readBody, readQuery } from '../http/request.ts';
import { idString, LIMITS, LooseTagInput } from './fields.ts';
import { maxResults, readParams, searchFields, viewType } from './search-params.ts';

const SearchExperiments = z.object({
  ...searchFields,
  max_results: maxResults(1000, 50_000),
  view_type: viewType,
});

const ExperimentRef = z.object({ experiment_id: idString });

const CreateExperiment = z.object({
  name: z.string().min(1).max(500),
  artifact_location: z.string().max(1000).optional(),
  tags: z.array(LooseTagInput).max(100).optional(),
});

/**
 * `experiments/create|get|get-by-name|search|update|delete|restore|set-experiment-tag`. Deleting an
 * experiment deletes its runs; restoring it restores them.
 */
export function experimentRoutes({ store }: AppDeps): Hono {
  const app = new Hono();

  app.post('/experiments/create', async (c) => {
    const input = await readBody(c, CreateExperiment);
    return reply(c, { experiment_id: await store.createExperiment(input) });
  });

  app.get('/experiments/get', async (c) => {
    const { experiment_id } = readQuery(c, z.object({ experiment_id: idString }));
    return reply(c, { experiment: await store.getExperiment(experiment_id) });
  });

  app.get('/experiments/get-by-name', async (c) => {
    const { experiment_name } = readQuery(c, z.object({ experiment_name: z.string().min(1) }));
    return reply(c, { experiment: await store.getExperimentByName(experiment_name) });
  });

  const search = async (c: Context) => {
    const input = await readParams(c, SearchExperiments, ['order_by']);
    const page = await store.searchExperiments(input);
    return reply(c, {
      experiments: page.items,
      ...(page.next_page_token ? { next_page_token: page.next_page_token } : {}),
    });
  };
  app.post('/experiments/search', search);
  app.get('/experiments/search', search);

  app.post('/experiments/update', async (c) => {
    const { experiment_id, new_name } = await readBody(
      c,
      ExperimentRef.extend({ new_name: z.string().min(1).max(500) }),
    );
    await store.renameExperiment(experiment_id, new_name);
    return reply(c, {});
  });

  app.post('/experiments/delete', async (c) => {
    const { experiment_id } = await readBody(c, ExperimentRef);
    await store.deleteExperiment(experiment_id);
    return reply(c, {});
  });

  app.post('/experiments/restore', async (c) => {
    const { experiment_id } = await readBody(c, ExperimentRef);
    await store.restoreExperiment(experiment_id);
    return reply(c, {});
  });

  app.post('/experiments/set-experiment-tag', async (c) => {
    const input = await readBody(
      c,
      ExperimentRef.extend({
        key: z.string().min(1).max(LIMITS.keyLength),
        value: z.string().max(LIMITS.tagValueLength),
      }),
    );
    await store.setExperimentTag(input.experiment_id, input.key, input.value);
    return reply(c, {});
  });

  return app;
}
