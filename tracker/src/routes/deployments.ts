import { Hono } from 'hono';
import * as z from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { rollback } from '../deploy/promote.ts';
import { readPointer } from '../deploy/read-pointer.ts';
import { actorOf } from '../http/actor.ts';
import { readInput } from '../http/input.ts';
import { reply } from '../http/reply.ts';
import { versionString } from './fields.ts';

const Rollback = z.object({ name: z.string().min(1), to: versionString.optional() });
const ModelRef = z.object({ name: z.string().min(1) });

/**
 * edgeflow's own endpoints (mounted at `/api/2.0/edgeflow`): `POST deployments/rollback {name, to?}` puts
 * back live the version live before the current one (see `rollback`), or `to`, recorded as done by the
 * request's actor (`actorOf`, as for a promotion); `GET deployments/get?name=` gives the pointer as KV
 * holds it now and the deployment history, newest first.
 */
export function deploymentRoutes({ store, edge }: AppDeps): Hono {
  const app = new Hono();

  app.post('/deployments/rollback', async (c) => {
    const { name, to } = await readInput(c, Rollback);
    const result = await rollback(edge, store, { name, actor: actorOf(c), to });
    return reply(c, result);
  });

  app.get('/deployments/get', async (c) => {
    const { name } = await readInput(c, ModelRef);
    await store.getRegisteredModel(name);
    const [pointer, history] = await Promise.all([readPointer(edge.kv, name), store.listDeployments(name)]);
    return reply(c, { pointer, history });
  });

  return app;
}
