import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trackerConfig } from './config.ts';

describe('trackerConfig', () => {
  it('defaults to port 5000 and data/tracker.db', () => {
    expect(trackerConfig({})).toEqual({
      port: 5000,
      dbUrl: `file:${join('data', 'tracker.db')}`,
      dbAuthToken: undefined,
    });
  });

  it('reads the port, data folder, database URL and token', () => {
    expect(trackerConfig({ EDGEFLOW_TRACKER_PORT: '5055', EDGEFLOW_DATA_DIR: '/srv/ef' })).toMatchObject({
      port: 5055,
      dbUrl: 'file:/srv/ef/tracker.db',
    });
    expect(trackerConfig({ EDGEFLOW_DB_URL: 'libsql://x.turso.io', EDGEFLOW_DB_AUTH_TOKEN: 't' })).toMatchObject({
      dbUrl: 'libsql://x.turso.io',
      dbAuthToken: 't',
    });
  });

  it('refuses a port that is not one', () => {
    expect(() => trackerConfig({ EDGEFLOW_TRACKER_PORT: 'http' })).toThrow(/EDGEFLOW_TRACKER_PORT/);
    expect(() => trackerConfig({ EDGEFLOW_TRACKER_PORT: '70000' })).toThrow(/EDGEFLOW_TRACKER_PORT/);
  });
});
