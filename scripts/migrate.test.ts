import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createClient } from '@libsql/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateDatabase } from './migrate.ts';
import { freePort } from './services.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MIGRATIONS = join(ROOT, 'migrations');
const JOURNAL = 'meta/_journal.json';
const TAGS = (
  JSON.parse(readFileSync(join(MIGRATIONS, JOURNAL), 'utf8')) as { entries: { tag: string }[] }
).entries.map((e) => e.tag);

/** A copy of the repository's migrations whose journal `edit` rewrites. */
function migrationsCopy(dir: string, edit: (entries: { tag: string; when: number }[]) => unknown[]): string {
  const folder = join(dir, `migrations-${Math.random().toString(36).slice(2)}`);
  cpSync(MIGRATIONS, folder, { recursive: true });
  const journal = JSON.parse(readFileSync(join(folder, JOURNAL), 'utf8'));
  journal.entries = edit(journal.entries);
  writeFileSync(join(folder, JOURNAL), JSON.stringify(journal));
  return folder;
}

async function tables(url: string): Promise<string[]> {
  const client = createClient({ url });
  try {
    const { rows } = await client.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    return rows.map((r) => String(r.name));
  } finally {
    client.close();
  }
}

describe('npm run migrate', () => {
  let dir: string;
  let url: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'edgeflow-migrate-'));
    url = `file:${join(dir, 'not-yet', 'tracker.db')}`;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('applies every migration to a new database, creating its folder, then nothing on a second run', async () => {
    const first = await migrateDatabase({ url });
    expect(first).toEqual({ database: url, applied: TAGS, total: TAGS.length });
    expect(await tables(url)).toEqual(
      expect.arrayContaining(['experiments', 'runs', 'model_versions', 'deployments', 'prediction_events']),
    );
    const second = await migrateDatabase({ url });
    expect(second).toEqual({ database: url, applied: [], total: TAGS.length });
  });

  it('applies only what a database at an older schema lacks', async () => {
    const older = migrationsCopy(dir, (entries) => entries.slice(0, 2));
    expect((await migrateDatabase({ url, migrationsFolder: older })).applied).toEqual(TAGS.slice(0, 2));
    expect(await tables(url)).not.toContain('prediction_events');
    expect(await migrateDatabase({ url })).toEqual({ database: url, applied: TAGS.slice(2), total: TAGS.length });
    expect(await tables(url)).toContain('prediction_events');
  });

  it('fails, naming it, when a migration is dated before the newest the database holds (drizzle skips it)', async () => {
    await migrateDatabase({ url });
    const late = migrationsCopy(dir, (entries) => [
      ...entries,
      { idx: entries.length, version: '6', when: 1, tag: '0099_late', breakpoints: true },
    ]);
    writeFileSync(join(late, '0099_late.sql'), 'CREATE TABLE `late` (`id` integer);');
    await expect(migrateDatabase({ url, migrationsFolder: late })).rejects.toThrow(
      `0099_late not applied: dated before the newest migration the database holds (${TAGS.at(-1)})`,
    );
    expect(await tables(url)).not.toContain('late');
  });

  it('as a command: prints what it applied, or exits 1 with one line when the database cannot be reached', async () => {
    const run = (env: Record<string, string>) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/migrate.ts')], {
        cwd: ROOT,
        env: { ...process.env, ...env },
      });
    const ok = await run({ EDGEFLOW_DB_URL: url });
    expect(ok.stdout).toBe(`applied ${TAGS.length} migrations to ${url}: ${TAGS.join(', ')} (${TAGS.length} in all)\n`);
    expect((await run({ EDGEFLOW_DB_URL: url })).stdout).toBe(`${url} is up to date (${TAGS.length} migrations)\n`);

    const closed = `http://127.0.0.1:${await freePort()}`;
    const failed = await run({ EDGEFLOW_DB_URL: closed, EDGEFLOW_DB_AUTH_TOKEN: 'token' }).then(
      () => expect.unreachable('migrate should fail'),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toMatch(/^migrate failed: fetch failed: connect ECONNREFUSED 127\.0\.0\.1:\d+\n$/);
  });
});
