import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsonCalls, type TrackerFixture } from './tracker-fixture.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** The line `tracker/src/main.ts` prints once it listens; group 1 is its URL. */
export const LISTENING = /edgeflow tracker listening on (http:\/\/\S+:\d+)\n/;

/** A tracker running as its own process (`tracker/src/main.ts`), for tests that measure or kill it. */
export interface TrackerProcess extends Pick<TrackerFixture, 'get' | 'post'> {
  /** Where it says it listens: `http://127.0.0.1:<port>` unless `EDGEFLOW_TRACKER_HOST` says otherwise. */
  url: string;
  port: number;
  pid: number;
  /** What `model-files.ts`' helpers send requests through (HTTP). */
  app: { request(path: string, init?: RequestInit): Promise<Response> };
  /** What it printed so far, stdout and stderr. */
  output(): string;
  /** Settles once the process exited: the signal that ended it, or null. */
  exited: Promise<NodeJS.Signals | null>;
  /** Sends `signal` to its process group (its local edge's workerd too) and waits for the tracker to exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** SIGTERM, then SIGKILL after 15 s; resolves with the exit code and removes a temp folder it made. */
  stop(): Promise<number | null>;
}

/** Options of `startTrackerProcess`. */
export interface TrackerProcessOptions {
  /** Folders of its database and local edge state (default: a temp folder that `stop` removes). */
  dataDir?: string;
  stateDir?: string;
  /** Added to its environment. */
  env?: Record<string, string>;
}

/**
 * Starts `tracker/src/main.ts` on a free loopback port (it picks it: port 0) in a process group of its
 * own, and resolves once it says it listens (within 60 s).
 */
export async function startTrackerProcess(options: TrackerProcessOptions = {}): Promise<TrackerProcess> {
  const temp = options.dataDir && options.stateDir ? undefined : mkdtempSync(join(tmpdir(), 'edgeflow-process-'));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'tracker/src/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      EDGEFLOW_TRACKER_PORT: '0',
      EDGEFLOW_DATA_DIR: options.dataDir ?? join(temp!, 'data'),
      EDGEFLOW_STATE_DIR: options.stateDir ?? join(temp!, 'state'),
      EDGEFLOW_EDGE: 'local',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-50_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => resolve(signal)),
  );
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // the group is gone
    }
  };
  const kill = async (signal: NodeJS.Signals) => {
    signalGroup(signal);
    await exited;
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), 15_000);
      await exited.finally(() => clearTimeout(timer));
    }
    signalGroup('SIGKILL'); // whatever it left behind in its group
    if (temp) rmSync(temp, { recursive: true, force: true });
    return child.exitCode;
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line in 60 s:\n${output}`)), 60_000);
      child.stdout!.on('data', () => {
        const m = LISTENING.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      void exited.then((signal) => reject(new Error(`exited (${signal ?? child.exitCode}):\n${output}`)));
    });
    const port = Number(new URL(url).port);
    const request = (path: string, init?: RequestInit) => fetch(url + path, init);
    return {
      url,
      port,
      pid: child.pid!,
      app: { request },
      ...jsonCalls(request),
      output: () => output,
      exited,
      kill,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
