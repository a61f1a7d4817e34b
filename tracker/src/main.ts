import { serve } from '@hono/node-server';
import { mountDashboard } from '../ui/mount.ts';
import { createApp } from './app.ts';
import { trackerConfig } from './config.ts';
import { reconcileFlips } from './deploy/flip-intent.ts';
import { openEdge } from './edge/open-edge.ts';
import { openStore } from './store/libsql-store.ts';

async function main(): Promise<void> {
  const config = trackerConfig(process.env);
  const store = await openStore({ url: config.dbUrl, authToken: config.dbAuthToken });
  const edge = await openEdge(process.env).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  // A flip a crash interrupted is finished or given up before anything else reads the pointer.
  await reconcileFlips(edge, store, (line) => console.log(line));
  const app = createApp({ store, edge, limits: config.limits });
  mountDashboard(app);
  const server = serve({ fetch: app.fetch, port: config.port }, (info) => {
    console.log(`edgeflow tracker listening on http://localhost:${info.port}`);
    console.log(`  database ${config.dbUrl.replace(/\?.*$/, '')}; edge ${edge.describe}`);
  });

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`edgeflow tracker: ${signal}, shutting down`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close(() => {
      void Promise.allSettled([edge.close(), store.close()]).then(() => process.exit(0));
    });
    // Idle keep-alive connections would hold close() open.
    (server as { closeAllConnections?: () => void }).closeAllConnections?.();
  };
  // wrangler and miniflare (the local edge) install SIGINT/SIGTERM handlers that exit at once, before
  // the database is closed. Ours replace them: closing the edge disposes miniflare the proper way.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.removeAllListeners(signal);
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('edgeflow tracker failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
