import { isIPv4, isIPv6 } from 'node:net';
import { join } from 'node:path';
import { DEFAULT_TOKEN_RATE } from './auth/auth-state.ts';
import { type PermissionName, parsePermission } from './auth/permission.ts';
import { type AllowedHost, parseAllowedHosts } from './http/allowed-hosts.ts';

/** Caps on request bodies, in bytes. */
export interface BodyLimits {
  /** A JSON request body (MLflow's own log-batch limit is 1 MB). */
  maxJsonBytes: number;
  /** One artifact upload. */
  maxArtifactBytes: number;
}

/** The body limits when the environment names none. */
export const DEFAULT_BODY_LIMITS: BodyLimits = {
  maxJsonBytes: 4 * 1024 ** 2,
  maxArtifactBytes: 5 * 1024 ** 3,
};

/** The tracker's settings, from the environment (see docs/architecture.md). */
export interface TrackerConfig {
  /** The address it listens on: loopback unless auth is on (see `trackerHost`). */
  host: string;
  port: number;
  /** The host names requests may name (`EDGEFLOW_ALLOWED_HOSTS` after the loopback names). */
  allowedHosts: readonly AllowedHost[];
  dbUrl: string;
  dbAuthToken?: string;
  limits: BodyLimits;
  /**
   * Prediction ingest: `EDGEFLOW_INGEST_TOKEN` (none: off), `EDGEFLOW_PREDICTION_RETENTION_DAYS` (default 30)
   * and `EDGEFLOW_REFERENCE_EVENTS` (how many first events make a live reference, default 1,000).
   */
  ingest: { token?: string; retentionDays: number; referenceEvents: number };
  auth: AuthConfig;
}

/** The auth settings of the environment (see `AuthSettings`). */
export interface AuthConfig {
  /** `EDGEFLOW_AUTH`: `on` or `off` (the default). */
  enabled: boolean;
  /** `EDGEFLOW_DEFAULT_PERMISSION`: READ (MLflow's default), EDIT, MANAGE or NO_PERMISSIONS. */
  defaultPermission: PermissionName;
  /** `EDGEFLOW_TOKEN_RATE_LIMIT`: requests a second per API token. */
  tokenRatePerSecond: number;
  /** `EDGEFLOW_TRUST_PROXY=on`: client addresses from `X-Forwarded-For`. */
  trustProxy: boolean;
  /** `EDGEFLOW_ADMIN_USERNAME` (default `admin`) and `EDGEFLOW_ADMIN_PASSWORD`: the admin made at start if missing. */
  admin: { username: string; password?: string };
}

/** Reads the tracker's settings from env, with the documented defaults. */
export function trackerConfig(env: Record<string, string | undefined>): TrackerConfig {
  const port = Number(env.EDGEFLOW_TRACKER_PORT || 5000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`EDGEFLOW_TRACKER_PORT must be a port number, got "${env.EDGEFLOW_TRACKER_PORT}"`);
  }
  const dataDir = env.EDGEFLOW_DATA_DIR || 'data';
  return {
    host: trackerHost(env),
    port,
    allowedHosts: parseAllowedHosts(env.EDGEFLOW_ALLOWED_HOSTS),
    dbUrl: env.EDGEFLOW_DB_URL || `file:${join(dataDir, 'tracker.db')}`,
    dbAuthToken: env.EDGEFLOW_DB_AUTH_TOKEN || undefined,
    limits: {
      maxJsonBytes: byteCount(env, 'EDGEFLOW_MAX_JSON_BYTES', DEFAULT_BODY_LIMITS.maxJsonBytes),
      maxArtifactBytes: byteCount(env, 'EDGEFLOW_MAX_ARTIFACT_BYTES', DEFAULT_BODY_LIMITS.maxArtifactBytes),
    },
    ingest: {
      token: env.EDGEFLOW_INGEST_TOKEN || undefined,
      retentionDays: retentionDays(env),
      referenceEvents: referenceEvents(env),
    },
    auth: authConfig(env),
  };
}

/** The auth settings of `env`; throws naming the variable on a value that is not one. */
export function authConfig(env: Record<string, string | undefined>): AuthConfig {
  const rate = env.EDGEFLOW_TOKEN_RATE_LIMIT?.trim();
  if (rate && (!/^\d+$/.test(rate) || Number(rate) < 1)) {
    throw new Error(`EDGEFLOW_TOKEN_RATE_LIMIT must be a whole number of requests a second from 1, got "${rate}"`);
  }
  const permission = env.EDGEFLOW_DEFAULT_PERMISSION?.trim();
  let defaultPermission: PermissionName = 'READ';
  if (permission) {
    try {
      defaultPermission = parsePermission(permission);
    } catch {
      throw new Error(`EDGEFLOW_DEFAULT_PERMISSION must be READ, EDIT, MANAGE or NO_PERMISSIONS, got "${permission}"`);
    }
  }
  const password = env.EDGEFLOW_ADMIN_PASSWORD;
  if (password !== undefined && password !== '' && password.length < 8) {
    throw new Error('EDGEFLOW_ADMIN_PASSWORD must be at least 8 characters long');
  }
  return {
    enabled: onOff(env, 'EDGEFLOW_AUTH'),
    defaultPermission,
    tokenRatePerSecond: rate ? Number(rate) : DEFAULT_TOKEN_RATE,
    trustProxy: onOff(env, 'EDGEFLOW_TRUST_PROXY'),
    admin: { username: env.EDGEFLOW_ADMIN_USERNAME?.trim() || 'admin', password: password || undefined },
  };
}

function onOff(env: Record<string, string | undefined>, name: string): boolean {
  const text = env[name]?.trim().toLowerCase();
  if (!text || text === 'off') return false;
  if (text === 'on') return true;
  throw new Error(`${name} must be "on" or "off", got "${env[name]}"`);
}

/**
 * The address the tracker listens on: `EDGEFLOW_TRACKER_HOST`, default `127.0.0.1`. With auth off
 * (`EDGEFLOW_AUTH`) every request acts as the local admin, so anything but loopback (127.0.0.0/8,
 * `::1`, `localhost`) is refused with an error that says what to do instead. An IPv6 address may be
 * given in brackets; it is returned without.
 */
export function trackerHost(env: Record<string, string | undefined>): string {
  const given = env.EDGEFLOW_TRACKER_HOST?.trim() || '127.0.0.1';
  const host = given.replace(/^\[(.*)\]$/, '$1');
  if (isLoopback(host) || onOff(env, 'EDGEFLOW_AUTH')) return host;
  throw new Error(
    `EDGEFLOW_TRACKER_HOST=${given} would let other machines reach the tracker while auth is off (every request acts as the local admin): set EDGEFLOW_AUTH=on, or keep it on loopback (127.0.0.1) behind a reverse proxy on the same host that does TLS and authentication, and list the public host name in EDGEFLOW_ALLOWED_HOSTS`,
  );
}

/** `host` as a URL names it: an IPv6 address in brackets. */
export function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function isLoopback(host: string): boolean {
  if (host.toLowerCase() === 'localhost') return true;
  if (isIPv4(host)) return host.startsWith('127.');
  return isIPv6(host) && new URL(`http://[${host}]`).hostname === '[::1]';
}

function byteCount(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const text = env[name]?.trim();
  if (!text) return fallback;
  const bytes = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(bytes) || bytes < 1) {
    throw new Error(`${name} must be a positive whole number of bytes, got "${env[name]}"`);
  }
  return bytes;
}

function referenceEvents(env: Record<string, string | undefined>): number {
  const text = env.EDGEFLOW_REFERENCE_EVENTS?.trim();
  if (!text) return 1000;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 10 || n > 100_000) {
    throw new Error(`EDGEFLOW_REFERENCE_EVENTS must be a whole number from 10 to 100000, got "${text}"`);
  }
  return n;
}

function retentionDays(env: Record<string, string | undefined>): number {
  const text = env.EDGEFLOW_PREDICTION_RETENTION_DAYS?.trim();
  if (!text) return 30;
  const days = Number(text);
  if (!/^\d+$/.test(text) || days < 1 || days > 36_500) {
    throw new Error(`EDGEFLOW_PREDICTION_RETENTION_DAYS must be a whole number of days from 1, got "${text}"`);
  }
  return days;
}
