import { Hono } from 'hono';
import * as z from 'zod';
import type { AppDeps } from '../app.ts';
import { readBody, readQuery } from '../http/request.ts';
import { reply } from '../http/reply.ts';
import { idString, LooseTagInput } from './fields.ts';

const CreateExperiment = z.object({
  name: z.string().min(1).max(500),
  artifact_location: z.string().max(1000).optional(),
  tags: z.array(LooseTagInput).max(100).optional(),
});

/** `experiments/create`, `experiments/get`, `experiments/get-by-name`. */
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

  return app;
}
