import type { Hono } from 'hono';
import { createApp } from '../app.ts';
import { ModelRegistry, type RegistryOptions } from '../model-registry.ts';
import { type ManualClock, manualClock } from './manual-clock.ts';
import { sendTo } from './send.ts';

/** A worker app with a registry of its own, on a manual clock. */
export interface EdgeUnderTest {
  app: Hono<{ Bindings: Env }>;
  /** The app's registry: what it loaded, what serves, its load counts. */
  registry: ModelRegistry;
  /** The registry's and the API-key check's clock: TTLs, load retries and attempt windows expire only when it is advanced. */
  clock: ManualClock;
  /** Sends a request with some vars (or bindings) overridden and waits for its `waitUntil` work (see `sendWith`). */
  sendWith(vars: Record<string, unknown>, path: string, init?: RequestInit): Promise<Response>;
}

/** A fresh app and registry (caches empty; `options` as given, the rest default) on a manual clock. */
export function edgeUnderTest(options: Partial<Omit<RegistryOptions, 'now'>> = {}): EdgeUnderTest {
  const clock = manualClock();
  const registry = new ModelRegistry({ ...options, now: clock.now });
  const app = createApp(registry, { now: clock.now });
  return { app, registry, clock, sendWith: (vars, path, init) => sendTo(app, vars, path, init) };
}
