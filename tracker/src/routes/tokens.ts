import { type Context, Hono } from 'hono';
import * as z from 'zod';
import type { AuthState } from '../auth/auth-state.ts';
import { type Identity, identityOf } from '../auth/identity.ts';
import { newSecret, sha256Hex } from '../auth/secret.ts';
import { invalid, MlflowError, notFound } from '../errors.ts';
import { readInput } from '../http/input.ts';
import { reply } from '../http/reply.ts';
import type { UserRecord } from '../store/auth-store.ts';
import { nameText } from './fields.ts';

const DAY_MS = 86_400_000;

/** The prefix of every API token, so a leaked one is recognisable (secret scanners, logs). */
export const TOKEN_PREFIX = 'efk_';

const CreateToken = z.object({
  name: nameText(100),
  expires_in_days: z.coerce.number().int().min(1).max(3650).default(90),
  scope: z.enum(['all', 'ingest']).default('all'),
  username: z.string().min(1).optional(),
});
const ListTokens = z.object({ username: z.string().min(1).optional() });
const TokenRef = z.object({ id: z.union([z.string(), z.number().int().transform(String)]) });

/**
 * edgeflow's API tokens (mounted at `/api/2.0/edgeflow`): `POST tokens/create {name, expires_in_days?
 * (default 90), scope? ("all" | "ingest"), username?}` → `{token: {id, name, username, scope,
 * creation_time, expiry_time}, secret}` — the secret is shown this once and stored only as its
 * SHA-256; `GET tokens/list?username=` → `{tokens}`; `POST tokens/revoke {id}` → `{}`, effective
 * with the next request. A user manages their own tokens; an admin anyone's (`username`).
 */
export function tokenRoutes(auth: AuthState): Hono {
  const app = new Hono();
  const { store } = auth;

  app.post('/tokens/create', async (c) => {
    const input = await readInput(c, CreateToken);
    const owner = await ownerFor(c, auth, input.username);
    const secret = newSecret(TOKEN_PREFIX);
    const now = auth.now();
    const expiryTime = now + input.expires_in_days * DAY_MS;
    const id = await store.createToken({
      userId: owner.id,
      name: input.name,
      tokenHash: sha256Hex(secret),
      scope: input.scope,
      now,
      expiryTime,
    });
    return reply(c, { token: await store.getToken(id), secret });
  });

  app.get('/tokens/list', async (c) => {
    const { username } = await readInput(c, ListTokens);
    const identity = identityOf(c)!;
    if (username === undefined && identity.isAdmin) return reply(c, { tokens: await store.listTokens() });
    const owner = await ownerFor(c, auth, username);
    return reply(c, { tokens: await store.listTokens(owner.id) });
  });

  app.post('/tokens/revoke', async (c) => {
    const { id } = await readInput(c, TokenRef);
    const identity = identityOf(c)!;
    const token = await store.getToken(id);
    if (!token || (!identity.isAdmin && token.username !== identity.username)) {
      throw notFound(`API token ${id} not found.`);
    }
    await store.revokeToken(id, auth.now());
    return reply(c, {});
  });

  return app;
}

/** The user whose tokens a request is about: `username` (themselves, or anyone for an admin), else the sender. */
async function ownerFor(c: Context, auth: AuthState, username: string | undefined): Promise<UserRecord> {
  const identity: Identity = identityOf(c)!;
  if (username === undefined) {
    if (identity.userId === undefined) {
      throw invalid('With auth off there is no signed-in user: name the user the token is for (username).');
    }
    return auth.store.getUser(identity.username);
  }
  if (!identity.isAdmin && username !== identity.username) {
    throw new MlflowError('PERMISSION_DENIED', 'Only an admin may manage another user’s tokens.');
  }
  return auth.store.getUser(username);
}
