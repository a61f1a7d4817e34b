import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from './store/libsql-store.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('tracker process (main.ts)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgeflow-main-'));
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  /** main.ts as its own process on the temp folder; `listening` resolves with its port. */
  function startMain(port: number) {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'tracker/src/main.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        EDGEFLOW_TRACKER_PORT: String(port),
        EDGEFLOW_DATA_DIR: join(dir, 'data'),
        EDGEFLOW_STATE_DIR: join(dir, 'state'),
        EDGEFLOW_EDGE: 'local',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const listening = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line in 60 s:\n${output}`)), 60_000);
      child.stdout!.on('data', () => {
        const m = /edgeflow tracker listening on http:\/\/localhost:(\d+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      void exited.then((code) => reject(new Error(`exited with ${code}:\n${output}`)));
    });
    listening.catch(() => undefined);
    return { child, output: () => output, exited, listening };
  }

  it('starts on the env config, serves, and closes cleanly on SIGTERM', async () => {
    const main = startMain(0);
    const port = await main.listening;
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(await health.json()).toEqual({ status: 'ok' });
    const exp = await fetch(`http://127.0.0.1:${port}/api/2.0/mlflow/experiments/get?experiment_id=0`);
    expect((await exp.json()).experiment.name).toBe('Default');

    const created = await fetch(`http://127.0.0.1:${port}/api/2.0/mlflow/experiments/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'survives-restart' }),
    });
    expect(created.status).toBe(200);

    main.child.kill('SIGTERM');
    expect(await main.exited).toBe(0);
    expect(main.output()).toContain('SIGTERM, shutting down');
    expect(existsSync(join(dir, 'data', 'tracker.db'))).toBe(true);
    const store = await openStore({ url: `file:${join(dir, 'data', 'tracker.db')}` });
    try {
      expect((await store.getExperimentByName('survives-restart')).name).toBe('survives-restart');
    } finally {
      await store.close();
    }
  }, 90_000);

  it('closes cleanly on SIGHUP (the terminal closed) too', async () => {
    const main = startMain(0);
    await main.listening;
    main.child.kill('SIGHUP');
    expect(await main.exited).toBe(0);
    expect(main.output()).toContain('SIGHUP, shutting down');
  }, 90_000);

  it('says in one line that its port is in use, and which variable moves it', async () => {
    const holder = await new Promise<Server>((resolve, reject) => {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => resolve(srv));
    });
    try {
      const port = (holder.address() as { port: number }).port;
      const main = startMain(port);
      expect(await main.exited).toBe(1);
      expect(main.output().trim()).toBe(
        `edgeflow tracker: port ${port} is in use: stop what listens there or set EDGEFLOW_TRACKER_PORT to a free port`,
      );
    } finally {
      await new Promise((r) => holder.close(r));
    }
  }, 90_000);
});
