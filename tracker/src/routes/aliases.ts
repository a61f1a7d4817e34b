import { Hono } from 'hono';
import * as z from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../http/actor.ts';
import { readInput } from '../http/input.ts';
import { reply } from '../http/reply.ts';
import { deleteModelAlias, setModelAlias } from '../registry/model-alias.ts';
import { aliasName, versionString } from './fields.ts';

const AliasRef = z.object({ name: z.string().min(1), alias: z.string().min(1) });
const SetAlias = z.object({ name: z.string().min(1), alias: aliasName, version: versionString });

/**
 * `registered-models/alias`: POST sets, GET reads (→ `model_version`), DELETE removes. For a model
 * opted in to the edge, the `production` alias is the edge: setting it promotes the version (the
 * pointer is written first, the alias only once that succeeded); removing it is refused while the
 * edge serves its version.
 */
export function aliasRoutes({ store, edge }: AppDeps): Hono {
  const app = new Hono();

  app.post('/registered-models/alias', async (c) => {
    const input = await readInput(c, SetAlias);
    await setModelAlias(store, edge, { ...input, actor: actorOf(c) });
    return reply(c, {});
  });

  app.get('/registered-models/alias', async (c) => {
    const { name, alias } = await readInput(c, AliasRef);
    return reply(c, { model_version: await store.getModelVersionByAlias(name, alias) });
  });

  app.delete('/registered-models/alias', async (c) => {
    const { name, alias } = await readInput(c, AliasRef);
    await deleteModelAlias(store, edge, name, alias);
    return reply(c, {});
  });

  return app;
}
