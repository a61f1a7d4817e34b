import type { Context, Hono } from 'hono';
import { SHELL_PATHS } from './app/router.ts';
import { buildDashboard, type DashboardBundle } from './build.ts';
import { SHELL_HEADERS, shellHtml } from './shell.ts';

/** Options of `mountDashboard`. */
export interface MountDashboardOptions {
  /** Start building the bundle now instead of at the first request (default true). */
  eager?: boolean;
}

/**
 * Serves the dashboard on a Hono app: the HTML shell at `/` and at the client-side routes
 * (`/experiments/…`, `/runs/…`, `/compare`, `/models/…`), and the built `/ui/app.js` and `/ui/app.css`.
 * Mount it after the API routes; it only answers GET/HEAD on those paths.
 */
// biome-ignore lint/suspicious/noExplicitAny: mounts on an app of any env
export function mountDashboard(app: Hono<any, any, any>, options: MountDashboardOptions = {}): void {
  if (options.eager !== false) buildDashboard().catch(() => undefined);

  const asset = (pick: (b: DashboardBundle) => { body: string; hash: string }, type: string) => async (c: Context) => {
    const b = await buildDashboard();
    const { body, hash } = pick(b);
    const etag = `"${hash}"`;
    const headers = { 'content-type': type, etag, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' };
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers);
    return c.body(body, 200, headers);
  };
  app.get(
    '/ui/app.js',
    asset((b) => ({ body: b.js, hash: b.jsHash }), 'text/javascript; charset=utf-8'),
  );
  app.get(
    '/ui/app.css',
    asset((b) => ({ body: b.css, hash: b.cssHash }), 'text/css; charset=utf-8'),
  );

  const shell = async (c: Context) => {
    const b = await buildDashboard();
    return c.html(shellHtml(b), 200, { ...SHELL_HEADERS, 'cache-control': 'no-cache' });
  };
  for (const path of SHELL_PATHS) app.get(path, shell);
}
