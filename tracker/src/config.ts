import { join } from 'node:path';

/** The tracker's settings, from the environment (see docs/architecture.md). */
export interface TrackerConfig {
  port: number;
  dbUrl: string;
  dbAuthToken?: string;
}

/** Reads the tracker's settings from env, with the documented defaults. */
export function trackerConfig(env: Record<string, string | undefined>): TrackerConfig {
  const port = Number(env.EDGEFLOW_TRACKER_PORT || 5000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`EDGEFLOW_TRACKER_PORT must be a port number, got "${env.EDGEFLOW_TRACKER_PORT}"`);
  }
  const dataDir = env.EDGEFLOW_DATA_DIR || 'data';
  return {
    port,
    dbUrl: env.EDGEFLOW_DB_URL || `file:${join(dataDir, 'tracker.db')}`,
    dbAuthToken: env.EDGEFLOW_DB_AUTH_TOKEN || undefined,
  };
}
