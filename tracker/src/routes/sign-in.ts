import { Hono } from 'hono';
import * as z from 'zod';
import { tooManyRequests, unauthenticated } from '../auth/auth-replies.ts';
import type { AuthState } from '../auth/auth-state.ts';
import { checkPassword } from '../auth/authenticate.ts';
import { clientAddress } from '../auth/client-address.ts';
import { passwordText, usernameText } from '../auth/credentials.ts';
import { identityOf } from '../auth/identity.ts';
import { hashPassword } from '../auth/password-hash.ts';
import { newSecret, safeEqual, sha256Hex } from '../auth/secret.ts';
import { clearSessionCookie, sessionCookie, setSessionCookie } from '../auth/session-cookie.ts';
import { MlflowError } from '../errors.ts';
import { readInput } from '../http/input.ts';
import { reply } from '../http/reply.ts';

const SignIn = z.object({ username: z.string().min(1).max(255), password: z.string().min(1).max(1000) });
const Setup = z.object({ setup_token: z.string().min(1).max(200), username: usernameText, password: passwordText });

const authOff = () =>
  new MlflowError('INVALID_STATE', 'Auth is off (EDGEFLOW_AUTH): every request already acts as the local admin.');

/**
 * The dashboard's sign-in (mounted at `/api/2.0/edgeflow`): `POST auth/sign-in {username, password}`
 * starts a session — a new id every time, in an HttpOnly, SameSite=Lax cookie (Secure when served over
 * https), the one the request carried ended — and answers `{username, is_admin, csrf_token}`; failed
 * attempts back off per username and per client address (429 with Retry-After). `POST auth/sign-out`
 * ends it. `GET auth/me` → `{username, is_admin, auth_enabled, via, csrf_token?}`. `POST auth/setup
 * {setup_token, username, password}` creates the first admin with the one-time token the tracker
 * printed at its first start.
 */
export function signInRoutes(auth: AuthState): Hono {
  const app = new Hono();
  const { store } = auth;

  app.post('/auth/sign-in', async (c) => {
    if (!auth.enabled) throw authOff();
    const { username, password } = await readInput(c, SignIn);
    const outcome = await checkPassword(c, auth, username, password);
    if ('waitMs' in outcome) return tooManyRequests(c, outcome.waitMs, 'Too many failed sign-ins.');
    if ('failure' in outcome) return unauthenticated(c, outcome.failure);
    const previous = sessionCookie(c);
    if (previous) await store.deleteSession(sha256Hex(previous));
    const id = newSecret();
    const csrfToken = newSecret();
    const now = auth.now();
    await store.createSession({
      idHash: sha256Hex(id),
      userId: outcome.user.userId!,
      csrfToken,
      now,
      expiryTime: now + auth.sessionMs,
    });
    setSessionCookie(c, id, auth.sessionMs);
    return reply(c, { username: outcome.user.username, is_admin: outcome.user.isAdmin, csrf_token: csrfToken });
  });

  app.post('/auth/sign-out', async (c) => {
    const id = sessionCookie(c);
    if (id) await store.deleteSession(sha256Hex(id));
    clearSessionCookie(c);
    return reply(c, {});
  });

  app.get('/auth/me', (c) => {
    const identity = identityOf(c)!;
    return reply(c, {
      username: identity.username,
      is_admin: identity.isAdmin,
      auth_enabled: auth.enabled,
      via: identity.via,
      ...(identity.session ? { csrf_token: identity.session.csrfToken } : {}),
    });
  });

  app.post('/auth/setup', async (c) => {
    if (!auth.enabled) throw authOff();
    const input = await readInput(c, Setup);
    const address = `addr:${clientAddress(c, auth.trustProxy)}`;
    const waitMs = auth.addressBackoff.waitMs(address, auth.now());
    if (waitMs > 0) return tooManyRequests(c, waitMs, 'Too many failed setup attempts.');
    const expected = auth.setupTokenHash;
    if (!expected || (await store.countUsers()) > 0) {
      throw new MlflowError('PERMISSION_DENIED', 'Setup is done: the first admin exists. Sign in instead.');
    }
    if (!safeEqual(sha256Hex(input.setup_token), expected)) {
      auth.addressBackoff.fail(address, auth.now());
      return unauthenticated(c, 'Wrong setup token: use the one the tracker printed when it started.');
    }
    auth.consumeSetupToken();
    const user = await store.createUser(input.username, await hashPassword(input.password), true, auth.now());
    return reply(c, { user: await store.userJson(user) });
  });

  return app;
}
