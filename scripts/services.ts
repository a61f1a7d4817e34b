import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { trackerHost, urlHost } from '../tracker/src/config.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the local loop's parts listen and keep their state. */
export interface LoopConfig {
  /** The loopback address the tracker listens on (`EDGEFLOW_TRACKER_HOST`, see `trackerHost`). */
  trackerHost: string;
  trackerPort: number;
  workerPort: number;
  /** Folder of the embedded libSQL database. */
  dataDir: string;
  /** `wrangler dev --persist-to` folder, shared by the worker and the tracker's local edge. */
  stateDir: string;
  /**
   * The token the worker's events consumer posts prediction events to the tracker with (none: the
   * tracker's ingest is off and the worker is not told where the tracker is; events wait in its queue).
   */
  ingestToken?: string;
  /** The tracker to run: a built `tracker.js` (`npm run build`) under node; none: `tracker/src/main.ts` under tsx. */
  trackerScript?: string;
}

/**
 * Reads the loop's configuration from env, with the documented defaults; throws on a value the
 * tracker would refuse at its start (a port that is not one, a host beyond loopback). The ingest token
 * is `EDGEFLOW_INGEST_TOKEN` or, by default, a random one for this start.
 */
export function loopConfig(env: Record<string, string | undefined> = process.env): LoopConfig {
  return {
    trackerHost: trackerHost(env),
    ingestToken: env.EDGEFLOW_INGEST_TOKEN || randomBytes(24).toString('base64url'),
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

/** How a process ended: its exit code, or the signal that killed it. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** "exited with code 1", "was killed by SIGKILL". */
export function describeExit(exit: ProcessExit): string {
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

/** A child process of the loop, reachable at `url`. */
export interface Service {
  name: string;
  url: string;
  child: ChildProcess;
  /** Settles once the process has exited and whatever it started was killed with it. */
  exited: Promise<ProcessExit>;
  /** Output so far (stdout and stderr), for error messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Options of `startTracker` and `startWorker`. */
export interface ServiceOptions {
  /** Echo the child's output lines to this function. */
  log?: (line: string) => void;
  /** Holds the service from its spawn until its process has exited, so that a stop mid-start finds it. */
  running?: Set<Service>;
  /** Cuts the start short: the process is stopped and the start rejects with the signal's reason. */
  signal?: AbortSignal;
}

interface SpawnOptions extends ServiceOptions {
  name: string;
  args: string[];
  env: Record<string, string>;
  url: string;
  readyPath: string;
  timeoutMs: number;
}

const EXIT_WITH_PARENT = pathToFileURL(join(ROOT, 'scripts/exit-with-parent.mjs')).href;
const STOP_GRACE_MS = 5000;

async function spawnService(o: SpawnOptions): Promise<Service> {
  o.signal?.throwIfAborted();
  // Own process group, so stopping it ends what it started too (workerd). The IPC channel closes when
  // this process exits, however it exits, and exit-with-parent.mjs then stops the group.
  const child = spawn(process.execPath, ['--import', EXIT_WITH_PARENT, ...o.args], {
    cwd: ROOT,
    env: { ...process.env, ...o.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
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
  let exit: ProcessExit | undefined;
  const exited = new Promise<ProcessExit>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      // What it started and left behind (a crash leaves workerd running) goes with it.
      signalGroup(child, 'SIGKILL');
      o.running?.delete(service);
      resolve(exit);
    }),
  );

  const service: Service = {
    name: o.name,
    url: o.url,
    child,
    exited,
    output: () => output,
    async stop() {
      if (exit) return;
      signalGroup(child, 'SIGTERM');
      if (!(await settlesWithin(exited, STOP_GRACE_MS))) signalGroup(child, 'SIGKILL');
      await exited;
    },
  };
  o.running?.add(service);

  const deadline = Date.now() + o.timeoutMs;
  while (Date.now() < deadline) {
    if (o.signal?.aborted) {
      await service.stop();
      throw o.signal.reason;
    }
    if (exit) throw new Error(`${o.name} ${describeExit(exit)} before it was ready:\n${output}`);
    try {
      const res = await fetch(o.url + o.readyPath, {
        signal: o.signal ? AbortSignal.any([o.signal, AbortSignal.timeout(2000)]) : AbortSignal.timeout(2000),
      });
      // Only an answer while our process runs counts: never another program's on the same port.
      if (res.ok && !exit) return service;
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
    // the group is empty: everything in it has exited
  }
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Starts the tracker (Node) on the embedded database and the local edge state, from its build or its source. */
export function startTracker(cfg: LoopConfig, opts: ServiceOptions = {}): Promise<Service> {
  return spawnService({
    ...opts,
    name: 'tracker',
    args: cfg.trackerScript ? [cfg.trackerScript] : ['--import', 'tsx', join(ROOT, 'tracker/src/main.ts')],
    env: {
      EDGEFLOW_TRACKER_HOST: cfg.trackerHost,
      EDGEFLOW_TRACKER_PORT: String(cfg.trackerPort),
      EDGEFLOW_DATA_DIR: cfg.dataDir,
      EDGEFLOW_STATE_DIR: cfg.stateDir,
      ...(cfg.ingestToken ? { EDGEFLOW_INGEST_TOKEN: cfg.ingestToken } : {}),
    },
    url: `http://${urlHost(cfg.trackerHost)}:${cfg.trackerPort}`,
    readyPath: '/health',
    timeoutMs: 60_000,
  });
}

/**
 * Starts the worker with `wrangler dev` (workerd; R2, KV and the events queue simulated, persisted in the
 * state folder), its events consumer posting to the tracker with the loop's ingest token.
 * workerd aborts at start when another process holds the simulators' SQLite files for a moment
 * (SQLITE_BUSY, e.g. the tracker's local edge opening them); that start is tried again.
 */
export async function startWorker(
  cfg: LoopConfig,
  opts: ServiceOptions & { vars?: Record<string, string> } = {},
): Promise<Service> {
  const { vars = {}, ...serviceOpts } = opts;
  const ingest = cfg.ingestToken
    ? { TRACKER_URL: `http://127.0.0.1:${cfg.trackerPort}`, INGEST_TOKEN: cfg.ingestToken }
    : {};
  const allVars = { ...ingest, ...vars };
  const varArgs = Object.entries(allVars).flatMap(([k, v]) => ['--var', `${k}:${v}`]);
  for (let attempt = 1; ; attempt++) {
    try {
      return await spawnService({
        ...serviceOpts,
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
      });
    } catch (err) {
      if (attempt >= 3 || !String((err as Error).message).includes('SQLITE_BUSY')) throw err;
      opts.log?.(`[worker] the state folder was busy at start (SQLITE_BUSY); starting again (${attempt + 1}/3)`);
      await sleep(500 * attempt);
    }
  }
}

/**
 * Checks, before anything starts, that the loop can listen where it is told to: binds each port on
 * the address its service will (the tracker on `trackerHost`, the worker on 127.0.0.1) and lets go. A port
 * that is taken is one line that names it and the variable that moves it.
 */
export async function assertPortsFree(cfg: LoopConfig): Promise<void> {
  if (cfg.trackerPort === cfg.workerPort) {
    throw new Error(
      `EDGEFLOW_TRACKER_PORT and EDGEFLOW_WORKER_PORT are both ${cfg.trackerPort}; give them different ports`,
    );
  }
  await assertPortFree(cfg.trackerPort, cfg.trackerHost, 'the tracker', 'EDGEFLOW_TRACKER_PORT');
  await assertPortFree(cfg.workerPort, '127.0.0.1', 'the worker', 'EDGEFLOW_WORKER_PORT');
}

function assertPortFree(port: number, host: string, service: string, variable: string): Promise<void> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        new Error(
          err.code === 'EADDRINUSE'
            ? `port ${port} (${service}) is in use: stop what listens there or set ${variable} to a free port`
            : `cannot listen on port ${port} (${service}): ${err.code ?? err.message}; set ${variable} to another port`,
        ),
      );
    });
    srv.listen({ port, host }, () => srv.close(() => resolvePort()));
  });
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
