/** The key-value store the pointers live in: Workers KV, through the local simulator or Cloudflare's REST API. */
export interface KvStore {
  get(key: string): Promise<string | null>;
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}
