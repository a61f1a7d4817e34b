import { describe, expect, it } from 'vitest';
import { backupDatabase } from './backup.ts';

describe('backupDatabase', () => {
  it('refuses a remote database, whose backups are Turso’s point-in-time restore', async () => {
    await expect(backupDatabase('libsql://edgeflow-acme.turso.io?authToken=x', '/tmp/x.db')).rejects.toThrow(
      'libsql://edgeflow-acme.turso.io is not a local file: a remote libSQL / Turso database is backed up by Turso (point-in-time restore)',
    );
  });

  it('says when there is no database to back up', async () => {
    await expect(backupDatabase('file:/nonexistent/tracker.db', '/tmp/x.db')).rejects.toThrow(
      'no database at /nonexistent/tracker.db',
    );
  });
});
