import type { AuthSettings } from './auth/auth-state.ts';
import type { BodyLimits } from './config.ts';
import type { Edge } from './edge/edge.ts';
import type { AllowedHost } from './http/allowed-hosts.ts';
import type { TrackingStore } from './store/tracking-store.ts';

/** What the tracker's HTTP layer works on. */
export interface AppDeps {
  store: TrackingStore;
  edge: Edge;
  /** Caps on request bodies (`DEFAULT_BODY_LIMITS` when absent). */
  limits?: BodyLimits;
  /**
   * Prediction ingest: its token (none: the endpoint is off), retention (default 30 days), how many events
   * make a live reference (default 1,000) and the clock (also monitoring's default windows).
   */
  ingest?: { token?: string; retentionDays?: number; referenceEvents?: number; now?: () => number };
  /** The host names requests may name (`LOOPBACK_HOSTS` when absent). */
  allowedHosts?: readonly AllowedHost[];
  /** Authentication (absent: off, every request the local admin). */
  auth?: AuthSettings;
}
