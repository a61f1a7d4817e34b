import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** A tracker running as its own process (`tracker/src/main.ts`), on a fresh database and local edge. */
export interface TrackerProcess {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  port: number;
  pid: number;
  /** What it printed so far, stdout and stderr. */
  output(): string;
  /** SIGTERM, then SIGKILL after 15 s; resolves with the exit code and removes its folder. */
  stop(): Promise<number | null>;
}

/**
 * Starts `tracker/src/main.ts` on a free port with its data and wrangler state in a temp folder, `env`
 * added to the environment, and resolves once it listens (within 60 s).
 */
export async function startTrackerProcess(env: Record<string, string> = {}): Promise<TrackerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'edgeflow-process-'));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'tracker/src/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      EDGEFLOW_TRACKER_PORT: '0',
      EDGEFLOW_DATA_DIR: join(dir, 'data'),
      EDGEFLOW_STATE_DIR: join(dir, 'state'),
      EDGEFLOW_EDGE: 'local',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited.finally(() => clearTimeout(timer));
    }
    rmSync(dir, { recursive: true, force: true });
    return child.exitCode;
  };
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line in 60 s:\n${output}`)), 60_000);
      child.stdout!.on('data', (d: Buffer) => {
        output += d.toString();
        const m = /edgeflow tracker listening on http:\/\/localhost:(\d+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      void exited.then((code) => reject(new Error(`exited with ${code}:\n${output}`)));
    });
    return { url: `http://127.0.0.1:${port}`, port, pid: child.pid!, output: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
