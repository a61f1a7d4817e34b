import { type Context, Hono } from 'hono';
import * as z from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../http/actor.ts';
import { readInput } from '../http/input.ts';
import { reply, replyPage } from '../http/reply.ts';
import { deleteRegisteredModelTag, setRegisteredModelTag } from '../registry/edge-tag.ts';
import { deleteRegisteredModel } from '../registry/remove-model.ts';
import { renameRegisteredModel } from '../registry/rename-model.ts';
import { LIMITS, LooseTagInput, looseKey, modelName } from './fields.ts';
import { maxResults, searchFields, stringList } from './search-params.ts';

const CreateRegisteredModel = z.object({
  name: modelName,
  description: z.string().max(5000).optional(),
  tags: z.array(LooseTagInput).max(100).optional(),
});

const ModelRef = z.object({ name: z.string().min(1) });
const RenameRegisteredModel = ModelRef.extend({ new_name: modelName });
const UpdateRegisteredModel = ModelRef.extend({ description: z.string().max(5000).default('') });
const SetRegisteredModelTag = ModelRef.extend({
  key: looseKey,
  value: z.string().max(LIMITS.tagValueLength).default(''),
});
const RegisteredModelTagRef = ModelRef.extend({ key: looseKey });

const GetLatestVersions = ModelRef.extend({ stages: stringList(10).optional() });

const SearchRegisteredModels = z.object({ ...searchFields, max_results: maxResults(100, 1000) });

/**
 * `registered-models/create|get|rename|update|delete|search|get-latest-versions|set-tag|delete-tag`.
 * Rename and delete move or remove the model's files in R2 and are refused while the edge serves a
 * version; tag `edgeflow.edge` opts the model in to the edge or out (`registry/edge-tag.ts`).
 */
export function registeredModelRoutes({ store, edge }: AppDeps): Hono {
  const app = new Hono();

  app.post('/registered-models/create', async (c) => {
    const input = await readInput(c, CreateRegisteredModel);
    return reply(c, { registered_model: await store.createRegisteredModel(input) });
  });

  app.get('/registered-models/get', async (c) => {
    const { name } = await readInput(c, ModelRef);
    return reply(c, { registered_model: await store.getRegisteredModel(name) });
  });

  app.post('/registered-models/rename', async (c) => {
    const { name, new_name } = await readInput(c, RenameRegisteredModel);
    return reply(c, { registered_model: await renameRegisteredModel(store, edge, name, new_name) });
  });

  app.patch('/registered-models/update', async (c) => {
    const { name, description } = await readInput(c, UpdateRegisteredModel);
    return reply(c, { registered_model: await store.updateRegisteredModel(name, description) });
  });

  app.delete('/registered-models/delete', async (c) => {
    const { name } = await readInput(c, ModelRef);
    await deleteRegisteredModel(store, edge, name);
    return reply(c, {});
  });

  app.get('/registered-models/search', async (c) => {
    const input = await readInput(c, SearchRegisteredModels);
    return replyPage(c, 'registered_models', await store.searchRegisteredModels(input));
  });

  const latest = async (c: Context) => {
    const { name, stages } = await readInput(c, GetLatestVersions);
    return reply(c, { model_versions: await store.getLatestVersions(name, stages) });
  };
  app.post('/registered-models/get-latest-versions', latest);
  app.get('/registered-models/get-latest-versions', latest);

  app.post('/registered-models/set-tag', async (c) => {
    const input = await readInput(c, SetRegisteredModelTag);
    await setRegisteredModelTag(store, edge, { ...input, actor: actorOf(c) });
    return reply(c, {});
  });

  app.delete('/registered-models/delete-tag', async (c) => {
    const { name, key } = await readInput(c, RegisteredModelTagRef);
    await deleteRegisteredModelTag(store, edge, name, key);
    return reply(c, {});
  });

  return app;
}
