import { Hono } from 'hono';
import * as z from 'zod';
import type { AuthState } from '../auth/auth-state.ts';
import { passwordText, usernameText } from '../auth/credentials.ts';
import { hashPassword } from '../auth/password-hash.ts';
import { readInput } from '../http/input.ts';
import { reply } from '../http/reply.ts';
import { bool } from './search-params.ts';

const Username = z.object({ username: z.string().min(1) });
const CreateUser = z.object({ username: usernameText, password: passwordText });
const UpdatePassword = z.object({ username: z.string().min(1), password: passwordText });
const UpdateAdmin = z.object({ username: z.string().min(1), is_admin: bool });

/**
 * MLflow's basic-auth user API (mounted with the MLflow routes): `POST users/create {username,
 * password}` → `{user}`, `GET users/get?username=` → `{user}` (`{id, username, is_admin,
 * experiment_permissions, registered_model_permissions}`), `PATCH users/update-password {username,
 * password}` (ends the user's sessions), `PATCH users/update-admin {username, is_admin}`, `DELETE
 * users/delete {username}` (their tokens, sessions and permissions too), each answering `{}`. Who may
 * call which is in `ROUTE_PERMISSIONS`.
 */
export function userRoutes(auth: AuthState): Hono {
  const app = new Hono();
  const { store } = auth;

  app.post('/users/create', async (c) => {
    const { username, password } = await readInput(c, CreateUser);
    const user = await store.createUser(username, await hashPassword(password), false, auth.now());
    return reply(c, { user: await store.userJson(user) });
  });

  app.get('/users/get', async (c) => {
    const { username } = await readInput(c, Username);
    return reply(c, { user: await store.userJson(await store.getUser(username)) });
  });

  app.patch('/users/update-password', async (c) => {
    const { username, password } = await readInput(c, UpdatePassword);
    await store.getUser(username);
    await store.updatePassword(username, await hashPassword(password));
    return reply(c, {});
  });

  app.patch('/users/update-admin', async (c) => {
    const { username, is_admin } = await readInput(c, UpdateAdmin);
    await store.updateAdmin(username, is_admin);
    return reply(c, {});
  });

  app.delete('/users/delete', async (c) => {
    const { username } = await readInput(c, Username);
    await store.deleteUser(username);
    return reply(c, {});
  });

  return app;
}
