import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Edge } from './edge.ts';
import { localPersistPath, openLocalEdge } from './local-edge.ts';
import { childProcesses, hasExited } from './process-table.ts';

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

  it.runIf(process.platform === 'linux')(
    'takes its workerd along when the process that opened it is SIGKILLed',
    async () => {
      const holder = spawn(
        process.execPath,
        ['--import', 'tsx', fileURLToPath(new URL('./testing/hold-local-edge.ts', import.meta.url)), stateDir],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      holder.stderr!.on('data', (d: Buffer) => (output += d.toString()));
      await new Promise<void>((resolve, reject) => {
        holder.stdout!.on('data', (d: Buffer) => (output += d.toString()).includes('ready') && resolve());
        holder.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
      });
      const workerd = childProcesses(holder.pid).filter((p) =>
        readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').includes('workerd'),
      );
      expect(workerd).toHaveLength(1);
      holder.kill('SIGKILL');
      const deadline = Date.now() + 5000;
      while (!hasExited(workerd[0]!) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(hasExited(workerd[0]!), 'workerd outlived the process that started it').toBe(true);
    },
    90_000,
  );
});
