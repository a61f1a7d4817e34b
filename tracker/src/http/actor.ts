import type { Context } from 'hono';

/** Header a client names itself with in deployment records (scripts send it; MLflow clients don't). */
export const ACTOR_HEADER = 'x-edgeflow-actor';

/** Who is making the request, for the deployment history: the actor header, else "anonymous". */
export function actorOf(c: Context): string {
  const actor = c.req.header(ACTOR_HEADER)?.trim();
  return actor ? actor.slice(0, 200) : 'anonymous';
}
