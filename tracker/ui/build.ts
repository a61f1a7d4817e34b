import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The dashboard's built client: one JS and one CSS file, kept in memory. */
export interface DashboardBundle {
  js: string;
  css: string;
  /** Content hashes, used as ETags and cache-busting query strings. */
  jsHash: string;
  cssHash: string;
  buildMs: number;
}

/** The client app's entry point. */
export const DASHBOARD_ENTRY = fileURLToPath(new URL('./app/main.ts', import.meta.url));

let pending: Promise<DashboardBundle> | null = null;

/**
 * Bundles the client app (TypeScript, uPlot and the CSS) with esbuild, in memory. Built once per
 * process; call it at start to have the first page load warm. A failed build is retried on the next call.
 */
export function buildDashboard(): Promise<DashboardBundle> {
  pending ??= bundle().catch((e: unknown) => {
    pending = null;
    throw e;
  });
  return pending;
}

async function bundle(): Promise<DashboardBundle> {
  const t0 = performance.now();
  const result = await build({
    entryPoints: { app: DASHBOARD_ENTRY },
    bundle: true,
    write: false,
    outdir: 'ui-out',
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const js = result.outputFiles.find((f) => f.path.endsWith('.js'))?.text;
  const css = result.outputFiles.find((f) => f.path.endsWith('.css'))?.text;
  if (js === undefined || css === undefined) throw new Error('dashboard build produced no app.js/app.css');
  const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);
  return { js, css, jsHash: hash(js), cssHash: hash(css), buildMs: Math.round(performance.now() - t0) };
}
