import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { openTrackerFixture, type TrackerFixture, type TrackerFixtureOptions } from './tracker-fixture.ts';

/** A real tracker (see `openTrackerFixture`) served over real HTTP, for clients under test. */
export interface ServedTracker extends TrackerFixture {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
}

/**
 * Opens a fresh tracker and serves it with @hono/node-server on a free port of 127.0.0.1. `mount` adds
 * routes before the first request (the dashboard, as `tracker/src/main.ts` mounts it).
 */
export async function openServedTracker(
  options: TrackerFixtureOptions & { mount?: (app: Hono) => void } = {},
): Promise<ServedTracker> {
  const fixture = await openTrackerFixture(options);
  options.mount?.(fixture.app);
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: fixture.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    s.once('error', reject);
  }).catch(async (error: unknown) => {
    await fixture.close();
    throw error;
  });
  return {
    ...fixture,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // keep-alive connections of the client under test would hold the server open
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      await fixture.close();
    },
  };
}
