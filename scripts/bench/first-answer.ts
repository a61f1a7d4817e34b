import { spawn } from 'node:child_process';
import { request } from 'node:http';

/** What `timeToFirstAnswer` starts: a Node command line, its working folder and extra environment. */
export interface StartCommand {
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

/**
 * Spawns `node <args>` (its own process group) and times from the spawn to the first 200 of
 * `GET <url>/health`, polling every 5 ms; then stops the group and waits for it to exit. Milliseconds.
 */
export async function timeToFirstAnswer(command: StartCommand, url: string, timeoutMs = 60_000): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, command.args, {
    cwd: command.cwd,
    env: { ...process.env, ...command.env },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  try {
    while (performance.now() - t0 < timeoutMs) {
      if (gone) throw new Error(`exited before answering:\n${stderr}`);
      if ((await status(`${url}/health`)) === 200) return performance.now() - t0;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`no 200 on ${url}/health within ${timeoutMs} ms:\n${stderr}`);
  } finally {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
    await exited;
  }
}

/** The status of a GET without keep-alive, 0 when nothing answers. */
function status(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}
