import type { Context } from 'hono';
import type { TokenScope } from '../store/auth-store.ts';

/** Who a request acts as, once authenticated. */
export interface Identity {
  username: string;
  /** The user's id; absent for the local identity (auth off) and the ingest token's. */
  userId?: number;
  isAdmin: boolean;
  /** How it authenticated: auth off, HTTP Basic, an API token, the dashboard's session, `EDGEFLOW_INGEST_TOKEN`. */
  via: 'local' | 'basic' | 'token' | 'session' | 'ingest';
  /** The API token used (via `token`). */
  token?: { id: string; name: string; scope: TokenScope };
  /** The session (via `session`): its id's hash and the CSRF token bound to it. */
  session?: { idHash: string; csrfToken: string };
}

/** The identity of every request while auth is off (loopback only): an admin named `local`. */
export const LOCAL_IDENTITY: Identity = { username: 'local', isAdmin: true, via: 'local' };

/** The identity of a request that carries `EDGEFLOW_INGEST_TOKEN` (auth on): it may only log prediction events. */
export const INGEST_IDENTITY: Identity = { username: 'ingest', isAdmin: false, via: 'ingest' };

declare module 'hono' {
  interface ContextVariableMap {
    identity?: Identity;
    /** Why the credentials the request carried were refused (the request is then anonymous). */
    authFailure?: string;
  }
}

/** The request's identity (set by `authenticate`), or undefined for an anonymous request. */
export function identityOf(c: Context): Identity | undefined {
  return c.get('identity');
}
