import { serve } from '@hono/node-server';
import { mountDashboard } from '../ui/mount.ts';
import { createApp } from './app.ts';
import { bootstrapAdmin } from './auth/bootstrap-admin.ts';
import { trackerConfig, urlHost } from './config.ts';
import { reconcileFlips } from './deploy/flip-intent.ts';
import { openEdge } from './edge/open-edge.ts';
import { openStore } from './store/libsql-store.ts';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

async function main(): Promise<void> {
  // Handlers first, so that a signal during the start is not lost: it is acted on once there is
  // something to close. Without one, a SIGHUP (the terminal closed) ends the process closing nothing.
  let shutdown: ((signal: string) => void) | undefined;
  let early: string | undefined;
  const onSignal = (signal: string) => (shutdown ? shutdown(signal) : (early ??= signal));
  for (const signal of SIGNALS) process.on(signal, onSignal);

  const config = trackerConfig(process.env);
  const store = await openStore({ url: config.dbUrl, authToken: config.dbAuthToken });
  const edge = await openEdge(process.env).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  const closeAll = (code: number) => {
    void Promise.allSettled([edge.close(), store.close()]).then(() => process.exit(code));
  };
  if (early) {
    console.log(`edgeflow tracker: ${early} while starting, shutting down`);
    return closeAll(0);
  }

  // A flip a crash interrupted is finished or given up before anything else reads the pointer.
  await reconcileFlips(edge, store, (line) => console.log(line));
  const bootstrap = await bootstrapAdmin(store.auth, config.auth, Date.now());
  const app = createApp({
    store,
    edge,
    limits: config.limits,
    ingest: config.ingest,
    allowedHosts: config.allowedHosts,
    auth: { ...config.auth, setupToken: bootstrap.setupToken },
  });
  mountDashboard(app);
  const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) => {
    console.log(`edgeflow tracker listening on http://${urlHost(info.address)}:${info.port}`);
    console.log(`  database ${config.dbUrl.replace(/\?.*$/, '')}; edge ${edge.describe}`);
    for (const line of bootstrap.lines) console.log(line);
  });
  server.once('error', (error: NodeJS.ErrnoException) => {
    console.error(
      error.code === 'EADDRINUSE'
        ? `edgeflow tracker: port ${config.port} is in use: stop what listens there or set EDGEFLOW_TRACKER_PORT to a free port`
        : `edgeflow tracker: cannot listen on ${urlHost(config.host)}:${config.port}: ${error.code ?? error.message}`,
    );
    closeAll(1);
  });

  let closing = false;
  shutdown = (signal) => {
    if (closing) return;
    closing = true;
    console.log(`edgeflow tracker: ${signal}, shutting down`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close(() => closeAll(0));
    // Idle keep-alive connections would hold close() open.
    (server as { closeAllConnections?: () => void }).closeAllConnections?.();
  };
}

main().catch((error: unknown) => {
  console.error('edgeflow tracker failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
