/**
 * `npm run backup -- <file>` (or `node dist/backup.js <file>`): an online backup of the tracker's local
 * libSQL file (`EDGEFLOW_DATA_DIR`, or a `file:` `EDGEFLOW_DB_URL`) into a new file, with `VACUUM INTO`
 * — one read transaction, so a running tracker keeps writing meanwhile and the copy is consistent as of
 * its start. A remote database (Turso) has point-in-time restore instead (see the README).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createClient } from '@libsql/client';
import { trackerConfig } from '../tracker/src/config.ts';
import { localPath } from '../tracker/src/store/libsql-store.ts';
import { errorLine } from './lib/error-line.ts';

/** Copies the local database at `url` into `target` (which must not exist); answers the source path. */
export async function backupDatabase(url: string, target: string): Promise<string> {
  const source = localPath(url);
  if (!source) {
    throw new Error(
      `${url.split('?')[0]} is not a local file: a remote libSQL / Turso database is backed up by Turso (point-in-time restore)`,
    );
  }
  if (!existsSync(source)) throw new Error(`no database at ${source}`);
  if (existsSync(target)) throw new Error(`${target} exists already: name a new file`);
  const client = createClient({ url });
  try {
    await client.execute('PRAGMA busy_timeout = 5000');
    await client.execute({ sql: 'VACUUM INTO ?', args: [resolve(target)] });
  } finally {
    client.close();
  }
  return source;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const target = process.argv.slice(2).find((a) => a !== '--');
  if (!target) {
    console.error('usage: npm run backup -- <new file>');
    process.exitCode = 2;
  } else {
    try {
      const source = await backupDatabase(trackerConfig(process.env).dbUrl, target);
      console.log(`backed up ${source} into ${resolve(target)}`);
    } catch (error) {
      console.error(`backup failed: ${errorLine(error)}`);
      process.exitCode = 1;
    }
  }
}
