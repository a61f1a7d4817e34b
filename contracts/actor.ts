/**
 * Who acted, for the deployment history: clients name themselves in the `x-edgeflow-actor` header (the
 * TS client and the dashboard send it; MLflow's clients don't). There are no accounts: it is a label.
 */
export const ACTOR_HEADER = 'x-edgeflow-actor';

/** Recorded for a same-origin browser request (the dashboard) that names no one. */
export const DASHBOARD_ACTOR = 'dashboard';

/** Recorded for any other request that names no one. */
export const ANONYMOUS_ACTOR = 'anonymous';

/** The longest actor recorded, in characters; longer names are cut. */
export const MAX_ACTOR_LENGTH = 200;

/** Marks an actor header value as percent-encoded UTF-8 (RFC 8187's `ext-value`, as in `filename*=`). */
const UTF8_PREFIX = /^utf-8''/i;

/**
 * A name as an actor header value. Header values are bytes (fetch refuses characters above U+00FF), so
 * a name that is not printable ASCII, or that looks encoded, is sent percent-encoded as `UTF-8''…`.
 */
export function encodeActorHeader(name: string): string {
  return /^[\x20-\x7e]*$/.test(name) && !UTF8_PREFIX.test(name) ? name : `UTF-8''${encodeURIComponent(name)}`;
}

/**
 * An actor header value as the name to record: `UTF-8''…` percent-decoded (left as sent if the
 * encoding is broken), control characters made spaces, trimmed, cut to `MAX_ACTOR_LENGTH` characters.
 * Empty when it names no one.
 */
export function decodeActor(value: string): string {
  let name = value.trim();
  if (UTF8_PREFIX.test(name)) {
    try {
      name = decodeURIComponent(name.replace(UTF8_PREFIX, ''));
    } catch {
      // not valid percent-encoded UTF-8: record what was sent
    }
  }
  // eslint-disable-next-line no-control-regex
  name = name.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  return Array.from(name).slice(0, MAX_ACTOR_LENGTH).join('').trim();
}
