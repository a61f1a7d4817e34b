import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { authConfig, DEFAULT_BODY_LIMITS, trackerConfig, trackerHost, urlHost } from './config.ts';
import { LOOPBACK_HOSTS } from './http/allowed-hosts.ts';

describe('trackerConfig', () => {
  it('defaults to 127.0.0.1:5000, the loopback host names, data/tracker.db, 4 MiB JSON bodies and 5 GiB artifacts', () => {
    expect(trackerConfig({})).toEqual({
      host: '127.0.0.1',
      port: 5000,
      allowedHosts: LOOPBACK_HOSTS,
      dbUrl: `file:${join('data', 'tracker.db')}`,
      dbAuthToken: undefined,
      limits: { maxJsonBytes: 4 * 1024 ** 2, maxArtifactBytes: 5 * 1024 ** 3 },
      ingest: { token: undefined, retentionDays: 30, referenceEvents: 1000 },
      auth: authConfig({}),
    });
    expect(trackerConfig({}).limits).toEqual(DEFAULT_BODY_LIMITS);
  });

  it('reads the ingest token, the prediction retention in days and the live reference size', () => {
    expect(
      trackerConfig({
        EDGEFLOW_INGEST_TOKEN: 's3cret',
        EDGEFLOW_PREDICTION_RETENTION_DAYS: ' 7 ',
        EDGEFLOW_REFERENCE_EVENTS: '500',
      }).ingest,
    ).toEqual({ token: 's3cret', retentionDays: 7, referenceEvents: 500 });
    for (const bad of ['0', '9', '1e3', 'many']) {
      expect(() => trackerConfig({ EDGEFLOW_REFERENCE_EVENTS: bad }), bad).toThrow(/EDGEFLOW_REFERENCE_EVENTS/);
    }
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

  it('reads the allowed host names, and refuses a list that is not one', () => {
    expect(trackerConfig({ EDGEFLOW_ALLOWED_HOSTS: 'tracker.example.com' }).allowedHosts).toEqual([
      ...LOOPBACK_HOSTS,
      { name: 'tracker.example.com' },
    ]);
    expect(() => trackerConfig({ EDGEFLOW_ALLOWED_HOSTS: 'https://tracker.example.com' })).toThrow(
      /^EDGEFLOW_ALLOWED_HOSTS must list host names.*"https:\/\/tracker\.example\.com" is not one$/,
    );
  });
});

describe('trackerHost', () => {
  it('is 127.0.0.1 unless EDGEFLOW_TRACKER_HOST names another loopback address', () => {
    expect(trackerHost({})).toBe('127.0.0.1');
    expect(trackerHost({ EDGEFLOW_TRACKER_HOST: ' ' })).toBe('127.0.0.1');
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', 'LocalHost', '::1', '0:0:0:0:0:0:0:1']) {
      expect(trackerHost({ EDGEFLOW_TRACKER_HOST: host }), host).toBe(host);
    }
    expect(trackerHost({ EDGEFLOW_TRACKER_HOST: '[::1]' })).toBe('::1');
  });

  it('refuses anything beyond loopback in one line: why, and what to do instead', () => {
    for (const host of [
      '0.0.0.0',
      '::',
      '[::]',
      '10.0.0.5',
      '::ffff:10.0.0.5',
      'tracker.example.com',
      'localhost.',
      '127.1',
    ]) {
      expect(() => trackerHost({ EDGEFLOW_TRACKER_HOST: host }), host).toThrow(
        `EDGEFLOW_TRACKER_HOST=${host} would let other machines reach the tracker while auth is off (every request acts as the local admin): set EDGEFLOW_AUTH=on, or keep it on loopback (127.0.0.1) behind a reverse proxy on the same host that does TLS and authentication, and list the public host name in EDGEFLOW_ALLOWED_HOSTS`,
      );
    }
    expect(() => trackerConfig({ EDGEFLOW_TRACKER_HOST: '0.0.0.0' })).toThrow(/^EDGEFLOW_TRACKER_HOST=0\.0\.0\.0 /);
  });

  it('binds beyond loopback once auth is on', () => {
    expect(trackerHost({ EDGEFLOW_TRACKER_HOST: '0.0.0.0', EDGEFLOW_AUTH: 'on' })).toBe('0.0.0.0');
    expect(trackerHost({ EDGEFLOW_TRACKER_HOST: '[::]', EDGEFLOW_AUTH: ' ON ' })).toBe('::');
    expect(() => trackerHost({ EDGEFLOW_TRACKER_HOST: '0.0.0.0', EDGEFLOW_AUTH: 'off' })).toThrow(/while auth is off/);
  });

  it('urlHost brackets an IPv6 address, as a URL names it', () => {
    expect(urlHost('::1')).toBe('[::1]');
    expect(urlHost('127.0.0.1')).toBe('127.0.0.1');
    expect(urlHost('localhost')).toBe('localhost');
  });
});

describe('authConfig', () => {
  it('is off by default, READ as MLflow’s default permission, 5000 requests a second per token, no admin password', () => {
    expect(authConfig({})).toEqual({
      enabled: false,
      defaultPermission: 'READ',
      tokenRatePerSecond: 5000,
      trustProxy: false,
      admin: { username: 'admin', password: undefined },
    });
    expect(
      authConfig({
        EDGEFLOW_AUTH: 'on',
        EDGEFLOW_DEFAULT_PERMISSION: 'NO_PERMISSIONS',
        EDGEFLOW_TOKEN_RATE_LIMIT: '50',
        EDGEFLOW_TRUST_PROXY: 'on',
        EDGEFLOW_ADMIN_USERNAME: 'root',
        EDGEFLOW_ADMIN_PASSWORD: 'long-enough',
      }),
    ).toEqual({
      enabled: true,
      defaultPermission: 'NO_PERMISSIONS',
      tokenRatePerSecond: 50,
      trustProxy: true,
      admin: { username: 'root', password: 'long-enough' },
    });
  });

  it('refuses values that are not one, naming the variable', () => {
    expect(() => authConfig({ EDGEFLOW_AUTH: 'yes' })).toThrow(/^EDGEFLOW_AUTH must be "on" or "off"/);
    expect(() => authConfig({ EDGEFLOW_DEFAULT_PERMISSION: 'ALL' })).toThrow(/^EDGEFLOW_DEFAULT_PERMISSION must be/);
    expect(() => authConfig({ EDGEFLOW_TOKEN_RATE_LIMIT: '0' })).toThrow(/^EDGEFLOW_TOKEN_RATE_LIMIT must be/);
    expect(() => authConfig({ EDGEFLOW_ADMIN_PASSWORD: 'short' })).toThrow(
      /^EDGEFLOW_ADMIN_PASSWORD must be at least 8/,
    );
  });
});
