import { type Context, Hono } from 'hono';
import * as z from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { readInput } from '../http/input.ts';
import { reply, replyPage } from '../http/reply.ts';
import { idString, LIMITS, LooseTagInput, looseKey, nameText } from './fields.ts';
import { maxResults, searchFields, viewType } from './search-params.ts';

const SearchExperiments = z.object({
  ...searchFields,
  max_results: maxResults(1000, 50_000),
  view_type: viewType,
});

const ExperimentRef = z.object({ experiment_id: idString });
const ExperimentByName = z.object({ experiment_name: z.string().min(1) });

const CreateExperiment = z.object({
  name: nameText(500),
  artifact_location: z.string().max(1000).optional(),
  tags: z.array(LooseTagInput).max(100).optional(),
});

const RenameExperiment = ExperimentRef.extend({ new_name: nameText(500) });

const SetExperimentTag = ExperimentRef.extend({ key: looseKey, value: z.string().max(LIMITS.tagValueLength) });

/**
 * `experiments/create|get|get-by-name|search|update|delete|restore|set-experiment-tag`. Deleting an
 * experiment deletes its runs; restoring it restores them.
 */
export function experimentRoutes({ store }: AppDeps): Hono {
  const app = new Hono();

  app.post('/experiments/create', async (c) => {
    const input = await readInput(c, CreateExperiment);
    return reply(c, { experiment_id: await store.createExperiment(input) });
  });

  app.get('/experiments/get', async (c) => {
    const { experiment_id } = await readInput(c, ExperimentRef);
    return reply(c, { experiment: await store.getExperiment(experiment_id) });
  });

  app.get('/experiments/get-by-name', async (c) => {
    const { experiment_name } = await readInput(c, ExperimentByName);
    return reply(c, { experiment: await store.getExperimentByName(experiment_name) });
  });

  const search = async (c: Context) => {
    const input = await readInput(c, SearchExperiments);
    return replyPage(c, 'experiments', await store.searchExperiments(input));
  };
  app.post('/experiments/search', search);
  app.get('/experiments/search', search);

  app.post('/experiments/update', async (c) => {
    const { experiment_id, new_name } = await readInput(c, RenameExperiment);
    await store.renameExperiment(experiment_id, new_name);
    return reply(c, {});
  });

  app.post('/experiments/delete', async (c) => {
    const { experiment_id } = await readInput(c, ExperimentRef);
    await store.deleteExperiment(experiment_id);
    return reply(c, {});
  });

  app.post('/experiments/restore', async (c) => {
    const { experiment_id } = await readInput(c, ExperimentRef);
    await store.restoreExperiment(experiment_id);
    return reply(c, {});
  });

  app.post('/experiments/set-experiment-tag', async (c) => {
    const input = await readInput(c, SetExperimentTag);
    await store.setExperimentTag(input.experiment_id, input.key, input.value);
    return reply(c, {});
  });

  return app;
}
