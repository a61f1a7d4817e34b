import type { Edge } from '../../src/edge/edge.ts';
import type { LibsqlStore } from '../../src/store/libsql-store.ts';
import { openServedTracker } from '../../src/testing/served-tracker.ts';
import { mountDashboard } from '../mount.ts';

/** A real tracker (libSQL file, local R2/KV) on a random port, for browser tests. */
export interface TrackerUnderTest {
  url: string;
  edge: Edge;
  store: LibsqlStore;
  /** The `wrangler dev --persist-to` folder of its local R2/KV (a worker started on it serves what it promotes). */
  stateDir: string;
  /** JSON call to the tracker's API; throws on a non-2xx answer. */
  api<T = any>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<T>;
  /** Raw call (for error answers and artifact uploads), as the tracker's own pages make it (same Origin). */
  raw(method: string, path: string, body?: BodyInit, headers?: Record<string, string>): Promise<Response>;
  stop(): Promise<void>;
}

/** Starts the tracker as `tracker/src/main.ts` does (`createApp` + the dashboard), served over HTTP. */
export async function startTracker(): Promise<TrackerUnderTest> {
  const served = await openServedTracker({ mount: mountDashboard });
  const { url } = served;
  const raw = (method: string, path: string, body?: BodyInit, headers: Record<string, string> = {}) =>
    fetch(url + path, { method, body, headers: { origin: url, ...headers } });
  return {
    url,
    edge: served.edge,
    store: served.store,
    stateDir: served.stateDir,
    raw,
    async api(method, path, body) {
      const res = await raw(
        method,
        path,
        body === undefined ? undefined : JSON.stringify(body),
        body === undefined ? {} : { 'content-type': 'application/json' },
      );
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
      return text ? JSON.parse(text) : {};
    },
    stop: () => served.close(),
  };
}
