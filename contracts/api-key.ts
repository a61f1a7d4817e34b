import { sha256Hex } from './sha256.ts';

/** KV key prefix of stored API keys: `apikey/<sha256 hex of the key>` (no Workers or Node types here). */
export const API_KEY_KV_PREFIX = 'apikey/';

/** What the KV value of an API key holds (never the key itself). */
export interface StoredApiKey {
  /** A name for people (who or what uses the key). */
  name: string;
  createdAt: string;
}

/** sha256 (hex) of an API key, as stored in KV. */
export function hashApiKey(key: string): Promise<string> {
  return sha256Hex(key);
}

/** The KV key an API key is stored under. */
export async function apiKeyKvKey(key: string): Promise<string> {
  return API_KEY_KV_PREFIX + (await hashApiKey(key));
}

/** The part of a KV store `createApiKey`/`revokeApiKey` need (Workers KV, the tracker's `KvStore`). */
export interface ApiKeyKv {
  put(key: string, value: string): Promise<unknown>;
  delete(key: string): Promise<unknown>;
}

/**
 * Makes a new random API key (`ef_` + 32 random bytes, base64url) and stores its sha256 under
 * `apikey/<sha256>` with `name`. Returns the key: it is shown once and never stored.
 */
export async function createApiKey(kv: ApiKeyKv, name: string): Promise<{ key: string; kvKey: string }> {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const key = `ef_${btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')}`;
  const kvKey = await apiKeyKvKey(key);
  const stored: StoredApiKey = { name, createdAt: new Date().toISOString() };
  await kv.put(kvKey, JSON.stringify(stored));
  return { key, kvKey };
}

/** Deletes an API key (isolates that checked it in the last minute may still accept it until then). */
export async function revokeApiKey(kv: ApiKeyKv, key: string): Promise<string> {
  const kvKey = await apiKeyKvKey(key);
  await kv.delete(kvKey);
  return kvKey;
}
