import { join } from 'node:path';
import type { Hono } from 'hono';
import { afterAll, beforeAll } from 'vitest';
import { createApp } from '../app.ts';
import type { AppDeps } from '../app-deps.ts';
import type { BodyLimits } from '../config.ts';
import type { Edge } from '../edge/edge.ts';
import { openLocalEdge } from '../edge/local-edge.ts';
import type { AllowedHost } from '../http/allowed-hosts.ts';
import type { LibsqlStore } from '../store/libsql-store.ts';
import { openTempStore } from './temp-store.ts';

/** A JSON answer of the app under test. */
export interface Answer<T = any> {
  status: number;
  body: T;
}

/** A real tracker for tests: a libSQL file with the real migrations, a real local edge, the real app. */
export interface TrackerFixture {
  dir: string;
  /** Its local R2/KV state: `wrangler dev --persist-to` this folder and the worker serves what it promotes. */
  stateDir: string;
  store: LibsqlStore;
  edge: Edge;
  app: Hono;
  /** GET with a query string. */
  get<T = any>(path: string, query?: Record<string, string>): Promise<Answer<T>>;
  /** POST (or another method) with a JSON body. */
  post<T = any>(
    path: string,
    body?: unknown,
    init?: { method?: string; headers?: Record<string, string> },
  ): Promise<Answer<T>>;
  close(): Promise<void>;
}

/** Options of a test tracker. */
export interface TrackerFixtureOptions {
  /** Body limits other than the defaults. */
  limits?: BodyLimits;
  /** Prediction ingest settings (none: ingest is off). */
  ingest?: AppDeps['ingest'];
  /** The host names requests may name (default: the loopback names). */
  allowedHosts?: readonly AllowedHost[];
  /** Authentication (default: off). */
  auth?: AppDeps['auth'];
}

/** Opens a fresh tracker in a temp folder. */
export async function openTrackerFixture(options: TrackerFixtureOptions = {}): Promise<TrackerFixture> {
  const temp = await openTempStore({ prefix: 'edgeflow-tracker-', file: 'db/tracker.db' });
  const { dir, store } = temp;
  const stateDir = join(dir, 'state');
  const edge = await openLocalEdge({ stateDir }).catch(async (error: unknown) => {
    await temp.close();
    throw error;
  });
  const app = createApp({
    store,
    edge,
    limits: options.limits,
    ingest: options.ingest,
    allowedHosts: options.allowedHosts,
    auth: options.auth,
  });
  return {
    dir,
    stateDir,
    store,
    edge,
    app,
    ...jsonCalls((path, init) => Promise.resolve(app.request(path, init))),
    async close() {
      await edge.close();
      await temp.close();
    },
  };
}

/** `get` and `post` of a tracker under test, over any way of sending it a request (the app, or HTTP). */
export function jsonCalls(
  request: (path: string, init?: RequestInit) => Promise<Response>,
): Pick<TrackerFixture, 'get' | 'post'> {
  const answer = async (res: Response): Promise<Answer> => {
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    async get(path, query) {
      const qs = query ? `?${new URLSearchParams(query)}` : '';
      return answer(await request(path + qs));
    },
    async post(path, body, init = {}) {
      return answer(
        await request(path, {
          method: init.method ?? 'POST',
          headers: { 'content-type': 'application/json', ...init.headers },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      );
    },
  };
}

/**
 * A fresh tracker for the tests of the current `describe`: opened in `beforeAll` (before the hooks
 * registered after this call), closed in `afterAll`. Use it inside tests and hooks (it throws before
 * `beforeAll`).
 */
export function useTrackerFixture(options: TrackerFixtureOptions = {}): Omit<TrackerFixture, 'close'> {
  let opened: TrackerFixture | undefined;
  beforeAll(async () => {
    opened = await openTrackerFixture(options);
  });
  afterAll(async () => {
    await opened?.close();
    opened = undefined;
  });
  const current = (): TrackerFixture => {
    if (!opened)
      throw new Error('useTrackerFixture: the tracker is open only inside tests and hooks (after beforeAll)');
    return opened;
  };
  return {
    get dir() {
      return current().dir;
    },
    get stateDir() {
      return current().stateDir;
    },
    get store() {
      return current().store;
    },
    get edge() {
      return current().edge;
    },
    get app() {
      return current().app;
    },
    get(path, query) {
      return current().get(path, query);
    },
    post(path, body, init) {
      return current().post(path, body, init);
    },
  };
}

/** The MLflow REST prefix. */
export const API = '/api/2.0/mlflow';
