import { type Context, Hono } from 'hono';
import * as z from 'zod';
import type { AppDeps } from '../app.ts';
import { reply } from '../http/reply.ts';
import { readBody, readQuery, readQueryOrBody } from '../http/request.ts';
import { deleteRegisteredModel } from '../registry/remove-model.ts';
import { renameRegisteredModel } from '../registry/rename-model.ts';
import { LIMITS, LooseTagInput, modelName } from './fields.ts';
import { maxResults, readParams, searchFields, stringList } from './search-params.ts';

const CreateRegisteredModel = z.object({
  name: modelName,
  description: z.string().max(5000).optional(),
  tags: z.array(LooseTagInput).max(100).optional(),
});

const ModelRef = z.object({ name: z.string().min(1) });
const TagKey = z.string().min(1).max(LIMITS.keyLength);

const SearchRegisteredModels = z.object({ ...searchFields, max_results: maxResults(100, 1000) });

/**
 * `registered-models/create|get|rename|update|delete|search|get-latest-versions|set-tag|delete-tag`.
 * Rename and delete move or remove the model's files in R2 and are refused while a version is live.
 */
export function registeredModelRoutes({ store, edge }: AppDeps): Hono {
  const app = new Hono();

  app.post('/registered-models/create', async (c) => {
    const input = await readBody(c, CreateRegisteredModel);
    return reply(c, { registered_model: await store.createRegisteredModel(input) });
  });

  app.get('/registered-models/get', async (c) => {
    const { name } = readQuery(c, ModelRef);
    return reply(c, { registered_model: await store.getRegisteredModel(name) });
  });

  app.post('/registered-models/rename', async (c) => {
    const { name, new_name } = await readBody(c, ModelRef.extend({ new_name: modelName }));
    return reply(c, { registered_model: await renameRegisteredModel(store, edge, name, new_name) });
  });

  app.patch('/registered-models/update', async (c) => {
    const { name, description } = await readBody(c, ModelRef.extend({ description: z.string().max(5000).default('') }));
    return reply(c, { registered_model: await store.updateRegisteredModel(name, description) });
  });

  app.delete('/registered-models/delete', async (c) => {
    const { name } = await readQueryOrBody(c, ModelRef);
    await deleteRegisteredModel(store, edge, name);
    return reply(c, {});
  });

  app.get('/registered-models/search', async (c) => {
    const input = await readParams(c, SearchRegisteredModels, ['order_by']);
    const page = await store.searchRegisteredModels(input);
    return reply(c, {
      registered_models: page.items,
      ...(page.next_page_token ? { next_page_token: page.next_page_token } : {}),
    });
  });

  const latest = async (c: Context) => {
    const { name, stages } = await readParams(c, ModelRef.extend({ stages: stringList(10).optional() }), ['stages']);
    return reply(c, { model_versions: await store.getLatestVersions(name, stages) });
  };
  app.post('/registered-models/get-latest-versions', latest);
  app.get('/registered-models/get-latest-versions', latest);

  app.post('/registered-models/set-tag', async (c) => {
    const { name, key, value } = await readBody(
      c,
      ModelRef.extend({ key: TagKey, value: z.string().max(LIMITS.tagValueLength).default('') }),
    );
    await store.setRegisteredModelTag(name, key, value);
    return reply(c, {});
  });

  app.delete('/registered-models/delete-tag', async (c) => {
    const { name, key } = await readQueryOrBody(c, ModelRef.extend({ key: TagKey }));
    await store.deleteRegisteredModelTag(name, key);
    return reply(c, {});
  });

  return app;
}
