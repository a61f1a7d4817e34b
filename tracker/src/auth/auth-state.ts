import { createHmac, randomBytes } from 'node:crypto';
import type { AuthStore } from '../store/auth-store.ts';
import { FailureBackoff } from './failure-backoff.ts';
import type { PermissionName } from './permission.ts';
import { RateLimiter } from './rate-limiter.ts';
import { sha256Hex } from './secret.ts';

/** How the tracker authenticates (`AppDeps.auth`); absent: auth off. */
export interface AuthSettings {
  /** `EDGEFLOW_AUTH=on`. Off: every request is the local admin (loopback only, see `trackerHost`). */
  enabled: boolean;
  /** The permission of a user on a resource they have no row for (`EDGEFLOW_DEFAULT_PERMISSION`, default READ). */
  defaultPermission?: PermissionName;
  /** The one-time token that may create the first admin (`POST auth/setup`), when there is no user yet. */
  setupToken?: string;
  /** Requests a second one API token may make (`EDGEFLOW_TOKEN_RATE_LIMIT`, default 5000; bursts of twice it). */
  tokenRatePerSecond?: number;
  /** Take the client address from `X-Forwarded-For` (`EDGEFLOW_TRUST_PROXY=on`). */
  trustProxy?: boolean;
  /** How long a dashboard session lasts, in ms (default 12 hours). */
  sessionMs?: number;
  /** The clock (default `Date.now`). */
  now?: () => number;
}

/** The default token rate: high enough that one client's bench load is never refused. */
export const DEFAULT_TOKEN_RATE = 5000;

const BASIC_CACHE_SIZE = 1000;

/**
 * What the auth middleware and routes share: the settings, the store, the sign-in backoff, the
 * per-token rate limiter, the cache of verified Basic credentials and the setup token.
 */
export class AuthState {
  readonly enabled: boolean;
  readonly defaultPermission: PermissionName;
  readonly trustProxy: boolean;
  readonly sessionMs: number;
  readonly now: () => number;
  readonly store: AuthStore;
  /** Failed sign-ins (dashboard and Basic) per username. */
  readonly userBackoff = new FailureBackoff({ free: 5 });
  /** Failed sign-ins and setup attempts per client address (more allowed: many users may share one). */
  readonly addressBackoff = new FailureBackoff({ free: 20 });
  readonly tokenLimiter: RateLimiter;
  readonly ingestToken: string | undefined;
  #setupTokenHash: string | undefined;
  /** HMAC (with a per-process key) of `username:password` → the stored hash it was verified against. */
  readonly #verified = new Map<string, string>();
  readonly #cacheKey = randomBytes(32);

  constructor(store: AuthStore, settings: AuthSettings | undefined, ingestToken: string | undefined) {
    this.store = store;
    this.enabled = settings?.enabled ?? false;
    this.defaultPermission = settings?.defaultPermission ?? 'READ';
    this.trustProxy = settings?.trustProxy ?? false;
    this.sessionMs = settings?.sessionMs ?? 12 * 3_600_000;
    this.now = settings?.now ?? Date.now;
    const rate = settings?.tokenRatePerSecond ?? DEFAULT_TOKEN_RATE;
    this.tokenLimiter = new RateLimiter(rate, 2 * rate);
    this.ingestToken = ingestToken;
    this.#setupTokenHash = settings?.setupToken ? sha256Hex(settings.setupToken) : undefined;
  }

  /** The setup token's hash while it is unused, else undefined. */
  get setupTokenHash(): string | undefined {
    return this.#setupTokenHash;
  }

  /** Uses up the setup token. */
  consumeSetupToken(): void {
    this.#setupTokenHash = undefined;
  }

  /**
   * Whether `username:password` was verified against `passwordHash` before: a Basic request then costs
   * no scrypt. A changed password has another hash, so an old entry never matches it.
   */
  wasVerified(username: string, password: string, passwordHash: string): boolean {
    return this.#verified.get(this.#credentialKey(username, password)) === passwordHash;
  }

  /** Remembers that `username:password` matches `passwordHash`. */
  rememberVerified(username: string, password: string, passwordHash: string): void {
    const key = this.#credentialKey(username, password);
    this.#verified.delete(key);
    this.#verified.set(key, passwordHash);
    if (this.#verified.size > BASIC_CACHE_SIZE) this.#verified.delete(this.#verified.keys().next().value!);
  }

  #credentialKey(username: string, password: string): string {
    return createHmac('sha256', this.#cacheKey).update(`${username}\0${password}`).digest('base64url');
  }
}
