import type { Context, MiddlewareHandler, Next } from 'hono';
import { matchedRoutes } from 'hono/route';
import * as z from 'zod';
import { readInput } from '../http/input.ts';
import { jsonText } from '../http/reply.ts';
import { permissionDenied, unauthenticated } from './auth-replies.ts';
import type { AuthState } from './auth-state.ts';
import { type Identity, identityOf } from './identity.ts';
import { allows } from './permission.ts';
import type { Need } from './resource-ids.ts';
import { type Grant, type Rule, ruleOf } from './route-permissions.ts';
import { safeEqual } from './secret.ts';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The header a session-authenticated state change carries its CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';

const NOT_SIGNED_IN =
  'You are not authenticated: send a username and password (HTTP Basic, MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD) or an API token (Bearer, MLFLOW_TRACKING_TOKEN / EDGEFLOW_TOKEN), or sign in to the dashboard.';

const Username = z.object({ username: z.string() });

/**
 * Enforces `ROUTE_PERMISSIONS`, the one table of what every route needs: finds the route hono matched
 * (the first one that is not middleware), looks up its rule and answers 401 `UNAUTHENTICATED` for an
 * anonymous request where one is needed, 403 `PERMISSION_DENIED` where the identity may not. A route
 * with no rule is refused (the route-table test keeps that from happening). A state change
 * authenticated by the session cookie must carry the session's CSRF token in `X-CSRF-Token`. Admins
 * (and the local identity while auth is off) need no permission; a token scoped to ingest may only
 * log prediction events.
 */
export function authorize(auth: AuthState): MiddlewareHandler {
  return async (c, next) => {
    const route = matchedRoutes(c).find((r) => r.method !== 'ALL');
    if (!route) return next();
    const rule = ruleOf(route.method, route.path);
    if (!rule) return permissionDenied(c, `No permission rule covers ${route.method} ${route.path}.`);
    if (rule.access === 'public') return next();
    if (rule.access === 'ingest') return ingest(c, auth, next);
    const identity = identityOf(c);
    if (!identity) return unauthenticated(c, c.get('authFailure') ?? NOT_SIGNED_IN);
    if (identity.via === 'ingest' || identity.token?.scope === 'ingest') {
      return permissionDenied(c, 'This token may only log prediction events.');
    }
    if (identity.session && STATE_CHANGING.has(c.req.method)) {
      const given = c.req.header(CSRF_HEADER);
      if (given === undefined || !safeEqual(given, identity.session.csrfToken)) {
        return permissionDenied(c, 'A change made with the dashboard session needs its CSRF token (X-CSRF-Token).');
      }
    }
    const refusal = await refuse(c, auth, rule, identity);
    if (refusal) return permissionDenied(c, refusal);
    await next();
    if (c.res.status !== 200) return;
    if (rule.access === 'filtered' && !identity.isAdmin) await filterAnswer(c, auth, rule, identity);
    if ('grants' in rule && rule.grants && identity.userId !== undefined) await grant(c, auth, rule.grants, identity);
  };
}

/** Why `identity` may not do what `rule` guards, or undefined when it may. */
async function refuse(c: Context, auth: AuthState, rule: Rule, identity: Identity): Promise<string | undefined> {
  if (identity.isAdmin) return undefined;
  switch (rule.access) {
    case 'admin':
      return 'Only an admin may do this.';
    case 'self': {
      const { username } = await readInput(c, Username);
      return username === identity.username ? undefined : 'Only an admin may do this for another user.';
    }
    case 'resource': {
      const need = await rule.need(c, auth.store);
      for (const key of need.keys) {
        const permission =
          (key === undefined ? undefined : await auth.store.permissionOf(need.kind, key, identity.userId!)) ??
          auth.defaultPermission;
        if (!allows(permission, need.ability)) return deniedMessage(identity, need, key);
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

function deniedMessage(identity: Identity, need: Need, key: string | undefined): string {
  const what =
    key === undefined
      ? 'there'
      : need.kind === 'experiment'
        ? `on experiment ${key}`
        : `on registered model ${JSON.stringify(key)}`;
  const right = { read: 'read', update: 'edit', delete: 'delete', manage: 'manage' }[need.ability];
  return `Permission denied: ${JSON.stringify(identity.username)} may not ${right} ${what}.`;
}

/** Keeps only the items of a search answer the identity may read (MLflow's after-request filter). */
async function filterAnswer(
  c: Context,
  auth: AuthState,
  rule: Extract<Rule, { access: 'filtered' }>,
  identity: Identity,
): Promise<void> {
  const body = (await c.res.clone().json()) as Record<string, unknown>;
  const items = body[rule.list];
  if (!Array.isArray(items)) return;
  const rows = await auth.store.permissionsOf(rule.kind, identity.userId!);
  const readable = (item: Record<string, unknown>) =>
    allows(rows.get(String(item[rule.key])) ?? auth.defaultPermission, 'read');
  const headers = new Headers(c.res.headers);
  headers.delete('content-length');
  c.res = new Response(jsonText({ ...body, [rule.list]: items.filter(readable) }), { status: 200, headers });
}

/** Gives the creator MANAGE on what the request created. */
async function grant(c: Context, auth: AuthState, grants: Grant, identity: Identity): Promise<void> {
  let value: unknown = await c.res.clone().json();
  for (const key of grants.path) value = (value as Record<string, unknown> | undefined)?.[key];
  if (typeof value === 'string') await auth.store.grant(grants.kind, value, identity.userId!, 'MANAGE');
}

/**
 * The prediction and feedback ingest: `EDGEFLOW_INGEST_TOKEN` as the bearer token; with auth on also an API token
 * scoped to ingest or owned by an admin. Auth off and no ingest token: the endpoint is off.
 */
async function ingest(c: Context, auth: AuthState, next: Next): Promise<Response | undefined> {
  const bearer = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
  const pass = async () => {
    await next();
    return undefined;
  };
  if (auth.ingestToken && bearer !== undefined && safeEqual(bearer, auth.ingestToken)) return pass();
  const identity = identityOf(c);
  if (auth.enabled && identity?.token && (identity.token.scope === 'ingest' || identity.isAdmin)) return pass();
  if (!auth.enabled && !auth.ingestToken) {
    return permissionDenied(
      c,
      'Prediction ingest is off: set EDGEFLOW_INGEST_TOKEN on the tracker (and INGEST_TOKEN on the worker).',
    );
  }
  if (auth.enabled && identity) {
    return permissionDenied(
      c,
      'Logging prediction events or feedback needs EDGEFLOW_INGEST_TOKEN, an API token scoped to ingest, or an admin’s API token.',
    );
  }
  return unauthenticated(
    c,
    c.get('authFailure') ??
      'Prediction ingest needs the ingest token as "Authorization: Bearer <EDGEFLOW_INGEST_TOKEN>".',
  );
}
