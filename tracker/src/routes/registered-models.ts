import { Hono } from 'hono';
import * as z from 'zod';
import type { AppDeps } from '../app.ts';
import { readBody, readQuery } from '../http/request.ts';
import { reply } from '../http/reply.ts';
import { LooseTagInput, modelName } from './fields.ts';

const CreateRegisteredModel = z.object({
  name: modelName,
  description: z.string().max(5000).optional(),
  tags: z.array(LooseTagInput).max(100).optional(),
});

/** `registered-models/create`, `registered-models/get` (with `latest_versions` and `aliases`). */
export function registeredModelRoutes({ store }: AppDeps): Hono {
  const app = new Hono();

  app.post('/registered-models/create', async (c) => {
    const input = await readBody(c, CreateRegisteredModel);
    return reply(c, { registered_model: await store.createRegisteredModel(input) });
  });

  app.get('/registered-models/get', async (c) => {
    const { name } = readQuery(c, z.object({ name: z.string().min(1) }));
    return reply(c, { registered_model: await store.getRegisteredModel(name) });
  });

  return app;
}
