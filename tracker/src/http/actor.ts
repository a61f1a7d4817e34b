import type { Context } from 'hono';
import { ACTOR_HEADER, ANONYMOUS_ACTOR, DASHBOARD_ACTOR, decodeActor } from '../../../contracts/actor.ts';
import { identityOf } from '../auth/identity.ts';

/**
 * Who is making the request, for the deployment history: with auth on, the authenticated user's name
 * (whatever the request says). With auth off (one local user, no accounts) a label: the actor header
 * (decoded, see `decodeActor`); else "dashboard" for a same-origin browser request (`Sec-Fetch-Site:
 * same-origin`, which only the tracker's own pages send); else "anonymous".
 */
export function actorOf(c: Context): string {
  const identity = identityOf(c);
  if (identity && identity.via !== 'local') return identity.username;
  const named = decodeActor(c.req.header(ACTOR_HEADER) ?? '');
  if (named) return named;
  return c.req.header('sec-fetch-site')?.trim().toLowerCase() === 'same-origin' ? DASHBOARD_ACTOR : ANONYMOUS_ACTOR;
}
