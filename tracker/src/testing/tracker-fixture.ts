import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { createApp } from '../app.ts';
import type { Edge } from '../edge/edge.ts';
import { openLocalEdge } from '../edge/local-edge.ts';
import { type LibsqlStore, openStore } from '../store/libsql-store.ts';

/** A JSON answer of the app under test. */
export interface Answer<T = any> {
  status: number;
  body: T;
}

/** A real tracker for tests: a libSQL file with the real migrations, a real local edge, the real app. */
export interface TrackerFixture {
  dir: string;
  store: LibsqlStore;
  edge: Edge;
  app: Hono;
  /** GET with a query string. */
  get<T = any>(path: string, query?: Record<string, string>): Promise<Answer<T>>;
  /** POST (or another method) with a JSON body. */
  post<T = any>(path: string, body?: unknown, init?: { method?: string; headers?: Record<string, string> }): Promise<Answer<T>>;
  close(): Promise<void>;
}

/** Opens a fresh tracker in a temp folder. */
export async function openTrackerFixture(): Promise<TrackerFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'edgeflow-tracker-'));
  const store = await openStore({ url: `file:${join(dir, 'db', 'tracker.db')}` });
  const edge = await openLocalEdge({ stateDir: join(dir, 'state') });
  const app = createApp({ store, edge });
  const answer = async (res: Response): Promise<Answer> => {
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    dir,
    store,
    edge,
    app,
    async get(path, query) {
      const qs = query ? `?${new URLSearchParams(query)}` : '';
      return answer(await app.request(path + qs));
    },
    async post(path, body, init = {}) {
      return answer(
        await app.request(path, {
          method: init.method ?? 'POST',
          headers: { 'content-type': 'application/json', ...init.headers },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      );
    },
    async close() {
      await edge.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The MLflow REST prefix. */
export const API = '/api/2.0/mlflow';
