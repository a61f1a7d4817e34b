import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

/** The dashboard's session cookie. */
export const SESSION_COOKIE = 'edgeflow_session';

/** The session id the request's cookie carries, or undefined. */
export function sessionCookie(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE) || undefined;
}

/**
 * Whether the page that sent the request was served over https: the request's own URL, a reverse
 * proxy's `X-Forwarded-Proto`, or the browser's `Origin`. Either header could be forged, but all it
 * decides is the `Secure` flag of the sender's own cookie, so trusting it hurts no one else.
 */
export function servedOverHttps(c: Context): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  const proto = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  return proto === 'https' || (c.req.header('origin')?.toLowerCase().startsWith('https://') ?? false);
}

/** Sets the session cookie: HttpOnly, SameSite=Lax, path `/`, `Secure` when served over https. */
export function setSessionCookie(c: Context, id: string, maxAgeMs: number): void {
  setCookie(c, SESSION_COOKIE, id, {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    secure: servedOverHttps(c),
    maxAge: Math.floor(maxAgeMs / 1000),
  });
}

/** Removes the session cookie. */
export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: servedOverHttps(c), httpOnly: true, sameSite: 'Lax' });
}
