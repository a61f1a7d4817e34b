import type { BlobStore } from './blob-store.ts';
import type { KvStore } from './kv-store.ts';

/** What the tracker reaches at the edge: the artifact bucket and the pointer namespace. */
export interface Edge {
  blobs: BlobStore;
  kv: KvStore;
  /** Where these live, for logs and /health (no secrets). */
  describe: string;
  close(): Promise<void>;
}
