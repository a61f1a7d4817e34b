import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type LibsqlStore, openStore } from '../store/libsql-store.ts';

/** A real libSQL store (file, real migrations) in a fresh temp folder. */
export interface TempStore {
  /** The temp folder; `close` removes it. */
  dir: string;
  /** The store's `file:` URL (to open it again). */
  url: string;
  store: LibsqlStore;
  /** Closes the store, then removes the folder. */
  close(): Promise<void>;
}

/** Options of `openTempStore` and `useTempStore`. */
export interface TempStoreOptions {
  /** Start of the temp folder's name (default `edgeflow-store-`), to tell leftovers apart. */
  prefix?: string;
  /** The database file inside the folder, `/`-separated (default `tracker.db`); missing folders are made by `openStore`. */
  file?: string;
}

/** Opens a fresh store in a new temp folder. */
export async function openTempStore(options: TempStoreOptions = {}): Promise<TempStore> {
  const dir = mkdtempSync(join(tmpdir(), options.prefix ?? 'edgeflow-store-'));
  const url = `file:${join(dir, ...(options.file ?? 'tracker.db').split('/'))}`;
  let store: LibsqlStore;
  try {
    store = await openStore({ url });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    dir,
    url,
    store,
    async close() {
      try {
        await store.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * A fresh store for the tests of the current `describe`: opened in `beforeAll`, closed and removed in
 * `afterAll`. Read `dir`, `url` and `store` inside tests and hooks (they throw before `beforeAll`).
 */
export function useTempStore(options: TempStoreOptions = {}): Readonly<Omit<TempStore, 'close'>> {
  let opened: TempStore | undefined;
  beforeAll(async () => {
    opened = await openTempStore(options);
  });
  afterAll(async () => {
    await opened?.close();
    opened = undefined;
  });
  const current = (): TempStore => {
    if (!opened) throw new Error('useTempStore: the store is open only inside tests and hooks (after beforeAll)');
    return opened;
  };
  return {
    get dir() {
      return current().dir;
    },
    get url() {
      return current().url;
    },
    get store() {
      return current().store;
    },
  };
}
