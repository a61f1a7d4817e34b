import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from './store/libsql-store.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('tracker process (main.ts)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgeflow-main-'));
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts on the env config, serves, and closes cleanly on SIGTERM', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'tracker/src/main.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        EDGEFLOW_TRACKER_PORT: '0',
        EDGEFLOW_DATA_DIR: join(dir, 'data'),
        EDGEFLOW_STATE_DIR: join(dir, 'state'),
        EDGEFLOW_EDGE: 'local',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line in 60 s:\n${output}`)), 60_000);
      child!.stdout!.on('data', (d: Buffer) => {
        output += d.toString();
        const m = /edgeflow tracker listening on http:\/\/localhost:(\d+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child!.on('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
    });
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

    const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('SIGTERM, shutting down');
    expect(existsSync(join(dir, 'data', 'tracker.db'))).toBe(true);
    const store = await openStore({ url: `file:${join(dir, 'data', 'tracker.db')}` });
    try {
      expect((await store.getExperimentByName('survives-restart')).name).toBe('survives-restart');
    } finally {
      await store.close();
    }
  }, 90_000);
});
