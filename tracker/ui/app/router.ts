/** A page of the dashboard, parsed from the location. */
export type Route =
  | { page: 'experiments' }
  | { page: 'runs'; experimentId: string; query: URLSearchParams }
  | { page: 'run'; runId: string }
  | { page: 'compare'; runIds: string[]; query: URLSearchParams }
  | { page: 'models' }
  | { page: 'model'; name: string }
  | { page: 'not-found'; path: string };

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** Parses a pathname and search string into a route; never throws. */
export function parseRoute(pathname: string, search = ''): Route {
  const query = new URLSearchParams(search);
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/' || path === '/experiments') return { page: 'experiments' };
  if (path === '/models') return { page: 'models' };
  if (path === '/compare') {
    const runIds = (query.get('runs') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    return { page: 'compare', runIds: [...new Set(runIds)], query };
  }
  const m = /^\/(experiments|runs|models)\/([^/]+)$/.exec(path);
  const id = m ? decode(m[2]!) : null;
  if (m && id) {
    if (m[1] === 'experiments') return { page: 'runs', experimentId: id, query };
    if (m[1] === 'runs') return { page: 'run', runId: id };
    return { page: 'model', name: id };
  }
  return { page: 'not-found', path: pathname };
}

/** Links to each page (ids and names URL-encoded). */
export const href = {
  experiments: () => '/',
  runs: (experimentId: string, query?: URLSearchParams) => {
    const qs = query?.toString();
    return `/experiments/${encodeURIComponent(experimentId)}${qs ? `?${qs}` : ''}`;
  },
  run: (runId: string) => `/runs/${encodeURIComponent(runId)}`,
  compare: (runIds: string[]) => `/compare?runs=${runIds.map(encodeURIComponent).join(',')}`,
  models: () => '/models',
  model: (name: string) => `/models/${encodeURIComponent(name)}`,
};

/** Paths the server answers with the dashboard's HTML shell (client-side routes). */
export const SHELL_PATHS = [
  '/',
  '/experiments',
  '/experiments/*',
  '/runs/*',
  '/compare',
  '/models',
  '/models/*',
] as const;
