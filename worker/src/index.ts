import { createApp } from './app.ts';
import { forwardEvents } from './forward-events.ts';
import { ModelRegistry } from './model-registry.ts';

/** The isolate's registry: loaded versions and followed pointers, shared by every request the isolate serves. */
const registry = new ModelRegistry();
const app = createApp(registry);

export default {
  fetch: app.fetch,
  queue: (batch, env) => forwardEvents(batch, env),
} satisfies ExportedHandler<Env>;
