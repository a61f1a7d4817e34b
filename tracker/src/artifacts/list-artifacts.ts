import type { BlobStore } from '../edge/blob-store.ts';

/** One entry of an artifact listing, as MLflow's `FileInfo`. */
export interface FileInfo {
  path: string;
  is_dir: boolean;
  file_size?: number;
}

/**
 * The immediate children of a folder (`prefix` ends with '/'): files with their size, folders once
 * each. `path` is the child's name prefixed by `pathPrefix` (MLflow's artifacts/list gives paths
 * relative to the run's root; the proxied list gives bare names).
 */
export async function listChildren(blobs: BlobStore, prefix: string, pathPrefix: string): Promise<FileInfo[]> {
  const out: FileInfo[] = [];
  const dirs = new Set<string>();
  for (const blob of await blobs.list(prefix)) {
    const rest = blob.key.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash === -1) {
      out.push({ path: pathPrefix + rest, is_dir: false, file_size: blob.size });
    } else {
      const dir = rest.slice(0, slash);
      if (!dirs.has(dir)) {
        dirs.add(dir);
        out.push({ path: pathPrefix + dir, is_dir: true });
      }
    }
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
