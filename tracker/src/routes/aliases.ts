import { Hono } from 'hono';
import * as z from 'zod';
import { PRODUCTION_ALIAS } from '../../../contracts/index.ts';
import type { AppDeps } from '../app-deps.ts';
import { promote, removeAlias } from '../deploy/promote.ts';
import { actorOf } from '../http/actor.ts';
import { readInput } from '../http/input.ts';
import { reply } from '../http/reply.ts';
import { aliasName, versionString } from './fields.ts';

const AliasRef = z.object({ name: z.string().min(1), alias: z.string().min(1) });
const SetAlias = z.object({ name: z.string().min(1), alias: aliasName, version: versionString });

/**
 * `registered-models/alias`: POST sets, GET reads (→ `model_version`), DELETE removes. The
 * `production` alias is the edge: setting it promotes the version (the pointer is written first, the
 * alias only once that succeeded); removing it is refused while its version is live.
 */
export function aliasRoutes({ store, edge }: AppDeps): Hono {
  const app = new Hono();

  app.post('/registered-models/alias', async (c) => {
    const input = await readInput(c, SetAlias);
    if (input.alias === PRODUCTION_ALIAS) {
      await promote(edge, store, { name: input.name, version: input.version, actor: actorOf(c), kind: 'promote' });
    } else {
      await store.setAlias(input.name, input.alias, input.version);
    }
    return reply(c, {});
  });

  app.get('/registered-models/alias', async (c) => {
    const { name, alias } = await readInput(c, AliasRef);
    return reply(c, { model_version: await store.getModelVersionByAlias(name, alias) });
  });

  app.delete('/registered-models/alias', async (c) => {
    const { name, alias } = await readInput(c, AliasRef);
    await removeAlias(edge, store, name, alias);
    return reply(c, {});
  });

  return app;
}
