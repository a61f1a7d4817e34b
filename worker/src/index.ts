import { createApp } from './app.ts';
import { ModelRegistry } from './model-registry.ts';

/** The isolate's registry: loaded versions and followed pointers, shared by every request the isolate serves. */
const registry = new ModelRegistry();

export default createApp(registry);
