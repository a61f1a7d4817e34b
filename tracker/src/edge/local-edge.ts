import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { KVNamespace, R2Bucket } from '@cloudflare/workers-types';
import { getPlatformProxy } from 'wrangler';
import type { BlobInfo, BlobStore } from './blob-store.ts';
import type { Edge } from './edge.ts';
import type { KvStore } from './kv-store.ts';
import { childProcesses } from './process-table.ts';
import { reapOnExit } from './reaper.ts';
import { uploadInParts } from './upload-in-parts.ts';

/** Options of the local edge. */
export interface LocalEdgeOptions {
  /** wrangler.toml that names the bindings (default: ./wrangler.toml). */
  configPath?: string;
  /** The folder `wrangler dev --persist-to` uses (default: .wrangler/state). */
  stateDir: string;
}

/**
 * The part size of streamed uploads: the least R2 takes. Each part crosses wrangler's proxy as a
 * base64 string, so smaller parts leave less garbage behind.
 */
const LOCAL_PART_BYTES = 5 * 1024 * 1024;

interface Bindings {
  POINTERS: KVNamespace;
  MODELS: R2Bucket;
}

/**
 * Opens R2 and KV as `wrangler dev` simulates them, over the same persisted state, so that what the
 * tracker writes the local worker reads. Wrangler keeps its state in `<stateDir>/v3`; naming any other
 * folder silently gives an empty store, so the path is built here, once.
 */
export async function openLocalEdge(options: LocalEdgeOptions): Promise<Edge> {
  const configPath = resolve(options.configPath ?? 'wrangler.toml');
  if (!existsSync(configPath)) throw new Error(`wrangler config not found: ${configPath}`);
  const persistPath = localPersistPath(options.stateDir);
  // miniflare runs the simulators in a workerd child of this process, which would outlive a SIGKILL
  // or a crash of it: the reaper ends it then.
  const before = new Set(childProcesses().map((p) => p.pid));
  const proxy = await getPlatformProxy<Bindings>({ configPath, persist: { path: persistPath } });
  const reaper = reapOnExit(childProcesses().filter((p) => !before.has(p.pid)));
  return {
    blobs: r2Blobs(proxy.env.MODELS),
    kv: kvStore(proxy.env.POINTERS),
    describe: `local (wrangler state ${persistPath})`,
    close: async () => {
      await proxy.dispose();
      reaper.release();
    },
  };
}

/** The folder wrangler's simulators persist to for a given `--persist-to` folder. */
export function localPersistPath(stateDir: string): string {
  return join(resolve(stateDir), 'v3');
}

function r2Blobs(bucket: R2Bucket): BlobStore {
  return {
    async put(key, body, contentType) {
      await bucket.put(key, body, contentType ? { httpMetadata: { contentType } } : undefined);
    },
    // The binding refuses a stream of unknown length, and through wrangler's proxy every stream is
    // one: parts go as bytes.
    async upload(key, body, contentType) {
      const options = contentType ? { httpMetadata: { contentType } } : undefined;
      await uploadInParts(
        body,
        {
          put: async (bytes) => {
            await bucket.put(key, bytes, options);
          },
          start: () => bucket.createMultipartUpload(key, options),
        },
        LOCAL_PART_BYTES,
      );
    },
    async get(key) {
      const object = await bucket.get(key);
      return object ? new Uint8Array(await object.arrayBuffer()) : null;
    },
    async list(prefix) {
      const out: BlobInfo[] = [];
      let cursor: string | undefined;
      do {
        const page = await bucket.list({ prefix, cursor });
        for (const o of page.objects) out.push({ key: o.key, size: o.size });
        cursor = page.truncated ? page.cursor : undefined;
      } while (cursor);
      return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },
    async delete(keys) {
      for (let i = 0; i < keys.length; i += 1000) await bucket.delete(keys.slice(i, i + 1000));
    },
  };
}

function kvStore(ns: KVNamespace): KvStore {
  return {
    get: (key) => ns.get(key),
    put: (key, value) => ns.put(key, value),
    delete: (key) => ns.delete(key),
  };
}
