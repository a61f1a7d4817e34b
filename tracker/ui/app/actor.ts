import { ACTOR_HEADER, DASHBOARD_ACTOR, encodeActorHeader, MAX_ACTOR_LENGTH } from '../../../contracts/actor.ts';

/** Where the dashboard remembers who is acting (this browser only; there are no accounts). */
export const ACTOR_STORAGE_KEY = 'edgeflow.actor';

let fallback = '';

/** The name the dashboard acts as, or '' when none was set. */
export function getActor(): string {
  try {
    return localStorage.getItem(ACTOR_STORAGE_KEY) ?? '';
  } catch {
    return fallback; // storage disabled: remembered for this page only
  }
}

/** Sets (or, with '', forgets) the name the dashboard acts as; returns it as kept. */
export function setActor(name: string): string {
  const kept = Array.from(name.trim()).slice(0, MAX_ACTOR_LENGTH).join('');
  fallback = kept;
  try {
    if (kept) localStorage.setItem(ACTOR_STORAGE_KEY, kept);
    else localStorage.removeItem(ACTOR_STORAGE_KEY);
  } catch {
    // storage disabled or full: `fallback` keeps it for this page
  }
  return kept;
}

/** Who the tracker will record for a change made now: the name, else "dashboard". */
export function recordedActor(): string {
  return getActor() || DASHBOARD_ACTOR;
}

/** The actor header for a state-changing request, when a name is set. */
export function actorHeaders(): Record<string, string> {
  const name = getActor();
  return name ? { [ACTOR_HEADER]: encodeActorHeader(name) } : {};
}
