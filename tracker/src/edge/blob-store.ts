/** One object as listed by a `BlobStore`. */
export interface BlobInfo {
  key: string;
  size: number;
}

/**
 * The object storage the tracker keeps artifacts in: R2, through the local simulator or R2's
 * S3-compatible API. Keys are plain strings; prefixes end with '/'.
 */
export interface BlobStore {
  put(key: string, body: Uint8Array | string, contentType?: string): Promise<void>;
  /**
   * Writes a stream without holding it whole (see `uploadInParts`). When the stream fails, nothing
   * is written: an object already at the key stays as it was.
   */
  upload(key: string, body: ReadableStream<Uint8Array>, contentType?: string): Promise<void>;
  /** The object's bytes, or null when there is none. */
  get(key: string): Promise<Uint8Array | null>;
  /** Every object under the prefix (all pages), in key order. */
  list(prefix: string): Promise<BlobInfo[]>;
  delete(keys: string[]): Promise<void>;
}
