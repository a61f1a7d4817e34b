// Turso / a remote libSQL server cannot be reached here, so this checks the requests the store sends to
// one (Hrana over HTTP) against a local server that records them and refuses to serve.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from './libsql-store.ts';

interface Seen {
  method?: string;
  url?: string;
  authorization?: string;
  body: { requests?: { type: string; stmt?: { sql: string } }[] };
}

describe('remote libSQL (Turso) database', () => {
  let server: Server;
  let url: string;
  const seen: Seen[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        seen.push({
          method: req.method,
          url: req.url,
          authorization: req.headers.authorization,
          body: JSON.parse(body || '{}'),
        });
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'database is sleeping' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('speaks Hrana over HTTP with the auth token, migrations first, no local-file PRAGMAs', async () => {
    await expect(openStore({ url, authToken: 'secret-token' })).rejects.toThrow(/__drizzle_migrations/);
    expect(seen.length).toBeGreaterThan(0);
    const first = seen[0]!;
    expect(first.method).toBe('POST');
    expect(first.url).toMatch(/^\/v[23]\/pipeline$/);
    expect(first.authorization).toBe('Bearer secret-token');
    const sql = seen.flatMap((s) => s.body.requests ?? []).flatMap((r) => (r.stmt ? [r.stmt.sql] : []));
    expect(sql[0]).toMatch(/CREATE TABLE IF NOT EXISTS "__drizzle_migrations"/);
    // WAL, synchronous and busy_timeout are settings of a local file, not something to send to a server.
    expect(sql.join('\n')).not.toMatch(/PRAGMA/i);
  });
});
