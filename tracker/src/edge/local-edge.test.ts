import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Edge } from './edge.ts';
import { localPersistPath, openLocalEdge } from './local-edge.ts';

describe('local edge', () => {
  let stateDir: string;
  let edge: Edge;

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'edgeflow-edge-'));
    edge = await openLocalEdge({ stateDir });
  });
  afterAll(async () => {
    await edge?.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('persists under <stateDir>/v3, where `wrangler dev --persist-to <stateDir>` reads', async () => {
    await edge.kv.put('pointer/x', '{"a":1}');
    await edge.blobs.put('models/x/1/model.json', '{}');
    expect(localPersistPath(stateDir)).toBe(join(stateDir, 'v3'));
    // wrangler dev keeps one folder per simulator inside v3; a wrong path would leave these elsewhere.
    expect(readdirSync(join(stateDir, 'v3')).sort()).toEqual(expect.arrayContaining(['kv', 'r2']));
  });

  it('reads back what a second proxy over the same state wrote', async () => {
    const other = await openLocalEdge({ stateDir });
    try {
      await other.kv.put('pointer/shared', 'from-other');
      await other.blobs.put('models/shared/1/a.bin', new Uint8Array([1, 2, 3]));
    } finally {
      await other.close();
    }
    expect(await edge.kv.get('pointer/shared')).toBe('from-other');
    expect(await edge.blobs.get('models/shared/1/a.bin')).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('lists every object under a prefix across pages, in key order', async () => {
    const keys = Array.from({ length: 1005 }, (_, i) => `runs/r1/f${String(i).padStart(4, '0')}`);
    await Promise.all(keys.map((k) => edge.blobs.put(k, 'x')));
    const listed = await edge.blobs.list('runs/r1/');
    expect(listed.map((b) => b.key)).toEqual(keys);
    await edge.blobs.delete(keys);
    expect(await edge.blobs.list('runs/r1/')).toEqual([]);
  });

  it('returns null for what does not exist', async () => {
    expect(await edge.kv.get('pointer/none')).toBeNull();
    expect(await edge.blobs.get('nope')).toBeNull();
  });
});
