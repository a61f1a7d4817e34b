import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import { createApp } from '../../src/app.ts';
import { openLocalEdge } from '../../src/edge/local-edge.ts';
import type { Edge } from '../../src/edge/edge.ts';
import { openStore, type LibsqlStore } from '../../src/store/libsql-store.ts';
import { mountDashboard } from '../mount.ts';

/** A real tracker (libSQL file, local R2/KV) on a random port, for browser tests and the UI bench. */
export interface TrackerUnderTest {
  url: string;
  edge: Edge;
  store: LibsqlStore;
  /** The `wrangler dev --persist-to` folder of its local R2/KV (a worker started on it serves what it promotes). */
  stateDir: string;
  /** JSON call to the tracker's API; throws on a non-2xx answer. */
  api<T = any>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<T>;
  /** Raw call (for error answers and artifact uploads). */
  raw(method: string, path: string, body?: BodyInit, headers?: Record<string, string>): Promise<Response>;
  stop(): Promise<void>;
}

/** Starts the tracker as `createApp` builds it, with the dashboard mounted if the app does not yet. */
export async function startTracker(): Promise<TrackerUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), 'edgeflow-ui-'));
  const store = await openStore({ url: `file:${join(dir, 'tracker.db')}` });
  const stateDir = join(dir, 'state');
  const edge = await openLocalEdge({ stateDir });
  const app: Hono = createApp({ store, edge });
  // As tracker/src/main.ts does.
  mountDashboard(app);
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const raw = (method: string, path: string, body?: BodyInit, headers: Record<string, string> = {}) =>
    fetch(url + path, { method, body, headers: { origin: url, ...headers } });
  return {
    url,
    edge,
    store,
    stateDir,
    raw,
    async api(method, path, body) {
      const res = await raw(method, path, body === undefined ? undefined : JSON.stringify(body), body === undefined ? {} : { 'content-type': 'application/json' });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
      return text ? JSON.parse(text) : {};
    },
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await edge.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
