import { Hono } from 'hono';
import * as z from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../http/actor.ts';
import { readInput } from '../http/input.ts';
import { reply, replyPage } from '../http/reply.ts';
import { registerModelVersion } from '../registry/register-version.ts';
import { deleteModelVersion } from '../registry/remove-model.ts';
import { transitionStage } from '../registry/transition-stage.ts';
import { canonicalStage } from '../store/guards.ts';
import { LIMITS, LooseTagInput, looseKey, modelName, versionString } from './fields.ts';
import { bool, maxResults, searchFields } from './search-params.ts';

const CreateModelVersion = z.object({
  name: modelName,
  source: z.string().min(1).max(2000),
  run_id: z.string().max(256).optional(),
  run_link: z.string().max(2000).optional(),
  description: z.string().max(5000).optional(),
  tags: z.array(LooseTagInput).max(100).optional(),
});

const VersionRef = z.object({ name: z.string().min(1), version: versionString });
const UpdateModelVersion = VersionRef.extend({ description: z.string().max(5000).default('') });
const SetModelVersionTag = VersionRef.extend({
  key: looseKey,
  value: z.string().max(LIMITS.tagValueLength).default(''),
});
const ModelVersionTagRef = VersionRef.extend({ key: looseKey });

const SearchModelVersions = z.object({ ...searchFields, max_results: maxResults(10_000, 200_000) });

const TransitionStage = VersionRef.extend({
  stage: z
    .string()
    .min(1)
    .transform((s) => canonicalStage(s)),
  archive_existing_versions: bool.default(false),
});

/**
 * `model-versions/create` (copies the source's files to `models/<name>/<version>/`), `get`, `update`,
 * `delete` (refused while live), `search`, `transition-stage` (Production promotes to the edge),
 * `get-download-uri`, `set-tag`, `delete-tag`.
 */
export function modelVersionRoutes({ store, edge }: AppDeps): Hono {
  const app = new Hono();

  app.post('/model-versions/create', async (c) => {
    const input = await readInput(c, CreateModelVersion);
    return reply(c, { model_version: await registerModelVersion(store, edge, input) });
  });

  app.get('/model-versions/get', async (c) => {
    const { name, version } = await readInput(c, VersionRef);
    return reply(c, { model_version: await store.getModelVersion(name, version) });
  });

  app.patch('/model-versions/update', async (c) => {
    const { name, version, description } = await readInput(c, UpdateModelVersion);
    return reply(c, { model_version: await store.updateModelVersion(name, version, description) });
  });

  app.delete('/model-versions/delete', async (c) => {
    const { name, version } = await readInput(c, VersionRef);
    await deleteModelVersion(store, edge, name, version);
    return reply(c, {});
  });

  app.get('/model-versions/search', async (c) => {
    const input = await readInput(c, SearchModelVersions);
    return replyPage(c, 'model_versions', await store.searchModelVersions(input));
  });

  app.post('/model-versions/transition-stage', async (c) => {
    const input = await readInput(c, TransitionStage);
    const model_version = await transitionStage(store, edge, {
      name: input.name,
      version: input.version,
      stage: input.stage,
      archiveExisting: input.archive_existing_versions,
      actor: actorOf(c),
    });
    return reply(c, { model_version });
  });

  app.get('/model-versions/get-download-uri', async (c) => {
    const { name, version } = await readInput(c, VersionRef);
    return reply(c, { artifact_uri: (await store.getModelVersion(name, version)).source });
  });

  app.post('/model-versions/set-tag', async (c) => {
    const input = await readInput(c, SetModelVersionTag);
    await store.setModelVersionTag(input.name, input.version, input.key, input.value);
    return reply(c, {});
  });

  app.delete('/model-versions/delete-tag', async (c) => {
    const input = await readInput(c, ModelVersionTagRef);
    await store.deleteModelVersionTag(input.name, input.version, input.key);
    return reply(c, {});
  });

  return app;
}
