import { Hono } from 'hono';
import * as z from 'zod';
import type { AuthState } from '../auth/auth-state.ts';
import { parsePermission } from '../auth/permission.ts';
import { readInput } from '../http/input.ts';
import { reply } from '../http/reply.ts';
import type { ResourceKind } from '../store/auth-store.ts';
import { idString } from './fields.ts';

const KEYS = {
  experiment: { param: 'experiment_id', schema: idString, answer: 'experiment_permission' },
  model: { param: 'name', schema: z.string().min(1), answer: 'registered_model_permission' },
} as const;

/**
 * MLflow's basic-auth permission API (mounted with the MLflow routes), for experiments
 * (`experiments/permissions/…`, keyed by `experiment_id`) and registered models
 * (`registered-models/permissions/…`, keyed by `name`): `POST create {key, username, permission}` →
 * `{experiment_permission | registered_model_permission}`, `GET get?key=&username=` → the same,
 * `PATCH update {key, username, permission}` and `DELETE delete {key, username}` → `{}`. Permissions are
 * READ, EDIT, MANAGE and NO_PERMISSIONS.
 */
export function permissionRoutes(auth: AuthState): Hono {
  const app = new Hono();
  const { store } = auth;

  for (const kind of ['experiment', 'model'] as const satisfies ResourceKind[]) {
    const { param, schema, answer } = KEYS[kind];
    const base = kind === 'experiment' ? '/experiments/permissions' : '/registered-models/permissions';
    const Ref = z.object({ [param]: schema, username: z.string().min(1) });
    const WithPermission = Ref.extend({ permission: z.string() });
    const json = (p: { key: string; userId: number; permission: string }) => ({
      [param]: p.key,
      user_id: p.userId,
      permission: p.permission,
    });
    const keyOf = (input: Record<string, unknown>) => String(input[param]);

    app.post(`${base}/create`, async (c) => {
      const input = await readInput(c, WithPermission);
      const created = await store.createPermission(
        kind,
        keyOf(input),
        input.username,
        parsePermission(input.permission),
      );
      return reply(c, { [answer]: json(created) });
    });

    app.get(`${base}/get`, async (c) => {
      const input = await readInput(c, Ref);
      return reply(c, { [answer]: json(await store.getPermission(kind, keyOf(input), input.username)) });
    });

    app.patch(`${base}/update`, async (c) => {
      const input = await readInput(c, WithPermission);
      await store.updatePermission(kind, keyOf(input), input.username, parsePermission(input.permission));
      return reply(c, {});
    });

    app.delete(`${base}/delete`, async (c) => {
      const input = await readInput(c, Ref);
      await store.deletePermission(kind, keyOf(input), input.username);
      return reply(c, {});
    });
  }

  return app;
}
