import { escapeHtml } from './app/escape.ts';
import type { DashboardBundle } from './build.ts';

/**
 * The one HTML page every dashboard URL answers with; the client app renders the rest from the
 * JSON API. It holds no user data.
 */
export function shellHtml(bundle: Pick<DashboardBundle, 'jsHash' | 'cssHash'>): string {
  const v = (s: string) => escapeHtml(s);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>edgeflow</title>
<link rel="stylesheet" href="/ui/app.css?v=${v(bundle.cssHash)}">
<script type="module" src="/ui/app.js?v=${v(bundle.jsHash)}"></script>
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="top-bar">
<a class="brand" href="/">edgeflow</a>
<nav class="top-nav" aria-label="Main">
<a href="/" data-section="experiments">Experiments</a>
<a href="/models" data-section="models">Models</a>
</nav>
</header>
<main id="main" tabindex="-1"><noscript>The edgeflow dashboard needs JavaScript. The API lives under /api/2.0/mlflow/.</noscript></main>
</body>
</html>
`;
}

/**
 * Security headers of the dashboard: scripts and styles only from this origin, no framing, and no
 * connections anywhere but the tracker itself.
 */
export const SHELL_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
};
