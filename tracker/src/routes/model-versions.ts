import { Hono } from 'hono';
import * as z from 'zod';
import type { AppDeps } from '../app.ts';
import { readBody, readQuery } from '../http/request.ts';
import { reply } from '../http/reply.ts';
import { registerModelVersion } from '../registry/register-version.ts';
import { LooseTagInput, modelName, versionString } from './fields.ts';

const CreateModelVersion = z.object({
  name: modelName,
  source: z.string().min(1).max(2000),
  run_id: z.string().max(256).optional(),
  run_link: z.string().max(2000).optional(),
  description: z.string().max(5000).optional(),
  tags: z.array(LooseTagInput).max(100).optional(),
});

/** `model-versions/create` (copies the source's files to `models/<name>/<version>/`), `model-versions/get`. */
export function modelVersionRoutes({ store, edge }: AppDeps): Hono {
  const app = new Hono();

  app.post('/model-versions/create', async (c) => {
    const input = await readBody(c, CreateModelVersion);
    return reply(c, { model_version: await registerModelVersion(store, edge, input) });
  });

  app.get('/model-versions/get', async (c) => {
    const { name, version } = readQuery(c, z.object({ name: z.string().min(1), version: versionString }));
    return reply(c, { model_version: await store.getModelVersion(name, version) });
  });

  return app;
}
