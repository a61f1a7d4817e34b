import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the local loop's parts listen and keep their state. */
export interface LoopConfig {
  trackerPort: number;
  workerPort: number;
  /** Folder of the embedded libSQL database. */
  dataDir: string;
  /** `wrangler dev --persist-to` folder, shared by the worker and the tracker's local edge. */
  stateDir: string;
}

/** Reads the loop's configuration from env, with the documented defaults. */
export function loopConfig(env: Record<string, string | undefined> = process.env): LoopConfig {
  return {
    trackerPort: port(env.EDGEFLOW_TRACKER_PORT, 5000, 'EDGEFLOW_TRACKER_PORT'),
    workerPort: port(env.EDGEFLOW_WORKER_PORT, 8787, 'EDGEFLOW_WORKER_PORT'),
    dataDir: resolve(env.EDGEFLOW_DATA_DIR ?? join(ROOT, 'data')),
    stateDir: resolve(env.EDGEFLOW_STATE_DIR ?? join(ROOT, '.wrangler', 'state')),
  };
}

function port(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number, got "${value}"`);
  return n;
}

/** A child process of the loop, reachable at `url`. */
export interface Service {
  name: string;
  url: string;
  child: ChildProcess;
  /** Output so far (stdout and stderr), for error messages. */
  output(): string;
  stop(): Promise<void>;
}

interface SpawnOptions {
  name: string;
  args: string[];
  env: Record<string, string>;
  url: string;
  readyPath: string;
  timeoutMs: number;
  /** Echo the child's output lines to this function. */
  log?: (line: string) => void;
}

async function spawnService(o: SpawnOptions): Promise<Service> {
  // Own process group, so stop() also ends grandchildren (wrangler's workerd).
  const child = spawn(process.execPath, o.args, {
    cwd: ROOT,
    env: { ...process.env, ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const onData = (chunk: Buffer) => {
    const text = chunk.toString();
    output = (output + text).slice(-20_000);
    if (o.log) for (const line of text.split('\n')) if (line.trim()) o.log(`[${o.name}] ${line}`);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

  const service: Service = {
    name: o.name,
    url: o.url,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      signalGroup(child, 'SIGTERM');
      const done = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
      if (!done) {
        signalGroup(child, 'SIGKILL');
        await exited;
      }
    },
  };

  const deadline = Date.now() + o.timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${o.name} exited with code ${child.exitCode} before it was ready:\n${output}`);
    }
    try {
      const res = await fetch(o.url + o.readyPath, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return service;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  await service.stop();
  throw new Error(`${o.name} was not ready at ${o.url}${o.readyPath} within ${o.timeoutMs} ms:\n${output}`);
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    child.kill(signal);
  }
}

/** Starts the tracker (Node) on the embedded database and the local edge state. */
export function startTracker(cfg: LoopConfig, log?: (line: string) => void): Promise<Service> {
  return spawnService({
    name: 'tracker',
    args: ['--import', 'tsx', join(ROOT, 'tracker/src/main.ts')],
    env: {
      EDGEFLOW_TRACKER_PORT: String(cfg.trackerPort),
      EDGEFLOW_DATA_DIR: cfg.dataDir,
      EDGEFLOW_STATE_DIR: cfg.stateDir,
    },
    url: `http://127.0.0.1:${cfg.trackerPort}`,
    readyPath: '/health',
    timeoutMs: 60_000,
    log,
  });
}

/**
 * Starts the worker with `wrangler dev` (workerd; R2 and KV simulated, persisted in the state folder).
 * workerd aborts at start when another process holds the simulators' SQLite files for a moment
 * (SQLITE_BUSY, e.g. the tracker's local edge opening them); that start is tried again.
 */
export async function startWorker(
  cfg: LoopConfig,
  log?: (line: string) => void,
  vars: Record<string, string> = {},
): Promise<Service> {
  const varArgs = Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]);
  for (let attempt = 1; ; attempt++) {
    try {
      return await spawnService({
        name: 'worker',
        args: [
          join(ROOT, 'node_modules/wrangler/bin/wrangler.js'),
          'dev',
          '--ip',
          '127.0.0.1',
          '--port',
          String(cfg.workerPort),
          '--persist-to',
          cfg.stateDir,
          '--inspector-port',
          '0',
          '--show-interactive-dev-session=false',
          ...varArgs,
        ],
        env: { WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
        url: `http://127.0.0.1:${cfg.workerPort}`,
        readyPath: '/ping',
        timeoutMs: 90_000,
        log,
      });
    } catch (err) {
      if (attempt >= 3 || !String((err as Error).message).includes('SQLITE_BUSY')) throw err;
      log?.(`[worker] the state folder was busy at start (SQLITE_BUSY); starting again (${attempt + 1}/3)`);
      await sleep(500 * attempt);
    }
  }
}

/** A TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port: p } = srv.address() as { port: number };
      srv.close(() => resolvePort(p));
    });
  });
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
