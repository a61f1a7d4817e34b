import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { KVNamespace, R2Bucket } from '@cloudflare/workers-types';
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

/** The signals whose handlers opening the simulators must leave as they were. */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Opens R2 and KV as `wrangler dev` simulates them, over the same persisted state, so that what the
 * tracker writes the local worker reads. Wrangler keeps its state in `<stateDir>/v3`; naming any other
 * folder silently gives an empty store, so the path is built here, once.
 *
 * The simulators (wrangler, and the workerd it starts) are loaded at the first call on `blobs` or
 * `kv`, not here: a tracker answers before they are up, and one that never touches the edge never
 * starts them. A failed start is tried again at the next call. wrangler is a development dependency:
 * without it installed, this refuses at once, saying to use `EDGEFLOW_EDGE=cloudflare`.
 */
export async function openLocalEdge(options: LocalEdgeOptions): Promise<Edge> {
  const wrangler = resolveWrangler();
  const configPath = resolve(options.configPath ?? 'wrangler.toml');
  if (!existsSync(configPath)) throw new Error(`wrangler config not found: ${configPath}`);
  const persistPath = localPersistPath(options.stateDir);
  let opening: Promise<Simulators> | undefined;
  let closed = false;
  const open = () => {
    if (closed) return Promise.reject(new Error('the local edge is closed'));
    opening ??= startSimulators(wrangler, configPath, persistPath).catch((error: unknown) => {
      opening = undefined;
      throw error;
    });
    return opening;
  };
  return {
    blobs: r2Blobs(async () => (await open()).env.MODELS),
    kv: kvStore(async () => (await open()).env.POINTERS),
    describe: `local (wrangler state ${persistPath})`,
    close: async () => {
      closed = true;
      const simulators = await opening?.catch(() => undefined);
      await simulators?.dispose();
    },
  };
}

interface Simulators {
  env: Bindings;
  dispose(): Promise<void>;
}

function resolveWrangler(): string {
  try {
    return import.meta.resolve('wrangler');
  } catch {
    throw new Error(
      'EDGEFLOW_EDGE=local simulates R2 and KV with wrangler, a development dependency that is not installed here: set EDGEFLOW_EDGE=cloudflare (see the README), or install the development dependencies',
    );
  }
}

async function startSimulators(wrangler: string, configPath: string, persistPath: string): Promise<Simulators> {
  const { getPlatformProxy } = (await import(wrangler)) as typeof import('wrangler');
  // wrangler and miniflare install SIGINT/SIGTERM handlers that exit at once, before the process has
  // closed what it holds: the ones they add go again. Closing the edge disposes miniflare the proper way.
  const handlers = SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))] as const);
  // miniflare runs the simulators in a workerd child of this process, which would outlive a SIGKILL
  // or a crash of it: the reaper ends it then.
  const before = new Set(childProcesses().map((p) => p.pid));
  try {
    const proxy = await getPlatformProxy<Bindings>({ configPath, persist: { path: persistPath } });
    const reaper = reapOnExit(childProcesses().filter((p) => !before.has(p.pid)));
    return {
      env: proxy.env,
      dispose: async () => {
        await proxy.dispose();
        reaper.release();
      },
    };
  } finally {
    for (const [signal, kept] of handlers) {
      for (const listener of process.listeners(signal)) if (!kept.has(listener)) process.off(signal, listener);
    }
  }
}

/** The folder wrangler's simulators persist to for a given `--persist-to` folder. */
export function localPersistPath(stateDir: string): string {
  return join(resolve(stateDir), 'v3');
}

function r2Blobs(open: () => Promise<R2Bucket>): BlobStore {
  return {
    async put(key, body, contentType) {
      const bucket = await open();
      await bucket.put(key, body, contentType ? { httpMetadata: { contentType } } : undefined);
    },
    // The binding refuses a stream of unknown length, and through wrangler's proxy every stream is
    // one: parts go as bytes.
    async upload(key, body, contentType) {
      const bucket = await open();
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
      const object = await (await open()).get(key);
      return object ? new Uint8Array(await object.arrayBuffer()) : null;
    },
    async list(prefix) {
      const bucket = await open();
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
      const bucket = await open();
      for (let i = 0; i < keys.length; i += 1000) await bucket.delete(keys.slice(i, i + 1000));
    },
  };
}

function kvStore(open: () => Promise<KVNamespace>): KvStore {
  return {
    get: async (key) => (await open()).get(key),
    put: async (key, value) => (await open()).put(key, value),
    delete: async (key) => (await open()).delete(key),
  };
}
