import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BODY_LIMITS, trackerConfig } from './config.ts';

describe('trackerConfig', () => {
  it('defaults to port 5000, data/tracker.db, 4 MiB JSON bodies and 5 GiB artifacts', () => {
    expect(trackerConfig({})).toEqual({
      port: 5000,
      dbUrl: `file:${join('data', 'tracker.db')}`,
      dbAuthToken: undefined,
      limits: { maxJsonBytes: 4 * 1024 ** 2, maxArtifactBytes: 5 * 1024 ** 3 },
      ingest: { token: undefined, retentionDays: 30 },
    });
    expect(trackerConfig({}).limits).toEqual(DEFAULT_BODY_LIMITS);
  });

  it('reads the ingest token and the prediction retention in days', () => {
    expect(
      trackerConfig({ EDGEFLOW_INGEST_TOKEN: 's3cret', EDGEFLOW_PREDICTION_RETENTION_DAYS: ' 7 ' }).ingest,
    ).toEqual({ token: 's3cret', retentionDays: 7 });
    for (const bad of ['0', '-1', '1.5', 'week']) {
      expect(() => trackerConfig({ EDGEFLOW_PREDICTION_RETENTION_DAYS: bad }), bad).toThrow(
        /EDGEFLOW_PREDICTION_RETENTION_DAYS/,
      );
    }
  });

  it('reads the body limits, and refuses a limit that is not a positive number of bytes', () => {
    expect(
      trackerConfig({ EDGEFLOW_MAX_JSON_BYTES: '1024', EDGEFLOW_MAX_ARTIFACT_BYTES: ' 10737418240 ' }).limits,
    ).toEqual({
      maxJsonBytes: 1024,
      maxArtifactBytes: 10 * 1024 ** 3,
    });
    for (const bad of ['0', '-1', '5GiB', '1e9', '1.5']) {
      expect(() => trackerConfig({ EDGEFLOW_MAX_ARTIFACT_BYTES: bad }), bad).toThrow(/EDGEFLOW_MAX_ARTIFACT_BYTES/);
    }
    expect(() => trackerConfig({ EDGEFLOW_MAX_JSON_BYTES: 'lots' })).toThrow(/EDGEFLOW_MAX_JSON_BYTES/);
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
