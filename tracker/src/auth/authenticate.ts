import type { Context, MiddlewareHandler } from 'hono';
import { tooManyRequests } from './auth-replies.ts';
import type { AuthState } from './auth-state.ts';
import { clientAddress } from './client-address.ts';
import { type Identity, INGEST_IDENTITY, LOCAL_IDENTITY } from './identity.ts';
import { dummyHash, verifyPassword } from './password-hash.ts';
import { safeEqual, sha256Hex } from './secret.ts';
import { sessionCookie } from './session-cookie.ts';

const WRONG_PASSWORD = 'Wrong username or password.';

/**
 * Sets the request's identity (see `identityOf`). Auth off: the local admin, always. Auth on: from
 * `Authorization: Basic` (a user's password, as MLflow's clients send `MLFLOW_TRACKING_USERNAME` /
 * `PASSWORD`), `Authorization: Bearer` (an API token, as they send `MLFLOW_TRACKING_TOKEN`, or
 * `EDGEFLOW_INGEST_TOKEN`), else the dashboard's session cookie. Credentials that do not check out
 * leave the request anonymous with the reason in `authFailure` (`authorize` answers 401 where it
 * matters). Answers 429 itself: Basic attempts while the username or client address is backing off
 * from failed ones, and an API token past its rate.
 */
export function authenticate(auth: AuthState): MiddlewareHandler {
  return async (c, next) => {
    if (!auth.enabled) {
      c.set('identity', LOCAL_IDENTITY);
      return next();
    }
    const header = c.req.header('authorization');
    if (header !== undefined) {
      const outcome = await fromHeader(c, auth, header.trim());
      if (outcome instanceof Response) return outcome;
      if (typeof outcome === 'string') c.set('authFailure', outcome);
      else c.set('identity', outcome);
    } else {
      const id = sessionCookie(c);
      const session = id ? await auth.store.sessionByHash(sha256Hex(id)) : undefined;
      if (session && session.expiryTime > auth.now()) {
        const { user } = session;
        c.set('identity', {
          username: user.username,
          userId: user.id,
          isAdmin: user.isAdmin,
          via: 'session',
          session: { idHash: sha256Hex(id!), csrfToken: session.csrfToken },
        });
      }
    }
    return next();
  };
}

async function fromHeader(c: Context, auth: AuthState, header: string): Promise<Identity | string | Response> {
  const [scheme = '', credentials = ''] = header.split(/\s+/, 2);
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return 'Malformed Basic credentials: expected base64 of "username:password".';
    return basic(c, auth, decoded.slice(0, colon), decoded.slice(colon + 1));
  }
  if (scheme.toLowerCase() === 'bearer' && credentials) return bearer(c, auth, credentials);
  return 'Unsupported Authorization header: send "Basic" (username and password) or "Bearer" (an API token).';
}

/** Checks a username and password (Basic, or the dashboard's sign-in), with the backoff on failures. */
export async function checkPassword(
  c: Context,
  auth: AuthState,
  username: string,
  password: string,
): Promise<{ user: Identity } | { failure: string } | { waitMs: number }> {
  const now = auth.now();
  const address = `addr:${clientAddress(c, auth.trustProxy)}`;
  const waitMs = Math.max(auth.userBackoff.waitMs(`user:${username}`, now), auth.addressBackoff.waitMs(address, now));
  if (waitMs > 0) return { waitMs };
  const user = await auth.store.findUser(username);
  const ok =
    user !== undefined &&
    (auth.wasVerified(username, password, user.passwordHash) || (await verifyPassword(password, user.passwordHash)));
  if (!user) await verifyPassword(password, await dummyHash());
  if (!ok || !user) {
    auth.userBackoff.fail(`user:${username}`, auth.now());
    auth.addressBackoff.fail(address, auth.now());
    return { failure: WRONG_PASSWORD };
  }
  auth.rememberVerified(username, password, user.passwordHash);
  auth.userBackoff.reset(`user:${username}`);
  return { user: { username: user.username, userId: user.id, isAdmin: user.isAdmin, via: 'basic' } };
}

async function basic(c: Context, auth: AuthState, username: string, password: string) {
  const outcome = await checkPassword(c, auth, username, password);
  if ('waitMs' in outcome) return tooManyRequests(c, outcome.waitMs, 'Too many failed sign-ins.');
  return 'failure' in outcome ? outcome.failure : outcome.user;
}

async function bearer(c: Context, auth: AuthState, token: string): Promise<Identity | string | Response> {
  if (auth.ingestToken && safeEqual(token, auth.ingestToken)) return INGEST_IDENTITY;
  const record = await auth.store.tokenByHash(sha256Hex(token));
  const now = auth.now();
  if (!record) return 'The API token is not valid.';
  if (record.revoked_time !== undefined) return 'The API token was revoked.';
  if (record.expiry_time <= now) return 'The API token expired.';
  const waitMs = auth.tokenLimiter.take(record.id, now);
  if (waitMs > 0) return tooManyRequests(c, waitMs, `API token "${record.name}" is over its rate limit.`);
  const { user } = record;
  return {
    username: user.username,
    userId: user.id,
    isAdmin: user.isAdmin,
    via: 'token',
    token: { id: record.id, name: record.name, scope: record.scope },
  };
}
