import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from './store/libsql-store.ts';
import { requestWithHost } from './testing/host-request.ts';
import { listeningAddresses } from './testing/listening-sockets.ts';
import { LISTENING } from './testing/tracker-process.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('tracker process (main.ts)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgeflow-main-'));
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  /** main.ts as its own process on the temp folder; `listening` resolves with the URL it names. */
  function startMain(port: number, env: Record<string, string> = {}) {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'tracker/src/main.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        EDGEFLOW_TRACKER_PORT: String(port),
        EDGEFLOW_DATA_DIR: join(dir, 'data'),
        EDGEFLOW_STATE_DIR: join(dir, 'state'),
        EDGEFLOW_EDGE: 'local',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const listening = new Promise<URL>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line in 60 s:\n${output}`)), 60_000);
      child.stdout!.on('data', () => {
        const m = LISTENING.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(new URL(m[1]!));
        }
      });
      void exited.then((code) => reject(new Error(`exited with ${code}:\n${output}`)));
    });
    listening.catch(() => undefined);
    return { child, output: () => output, exited, listening };
  }

  it('starts on the env config, on 127.0.0.1 only, serves, and closes cleanly on SIGTERM', async () => {
    const main = startMain(0, { EDGEFLOW_ALLOWED_HOSTS: 'tracker.example.com' });
    const listening = await main.listening;
    const port = Number(listening.port);
    expect(listening.href).toBe(`http://127.0.0.1:${port}/`);
    expect(listeningAddresses(main.child.pid!, port)).toEqual(['127.0.0.1']);
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

    // DNS rebinding: a page of attacker.example whose name now points at 127.0.0.1.
    const rebound = { host: 'attacker.example:5000', origin: 'http://attacker.example:5000' };
    const read = await requestWithHost(`http://127.0.0.1:${port}/api/2.0/mlflow/experiments/search`, rebound.host, {
      headers: { origin: rebound.origin },
    });
    expect(read).toMatchObject({ status: 403, body: { error_code: 'PERMISSION_DENIED' } });
    expect(read.body.message).toContain('"attacker.example:5000"');
    const write = await requestWithHost(`http://127.0.0.1:${port}/api/2.0/mlflow/experiments/create`, rebound.host, {
      method: 'POST',
      headers: { origin: rebound.origin, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'rebound' }),
    });
    expect(write).toMatchObject({ status: 403, body: { error_code: 'PERMISSION_DENIED' } });
    // The name EDGEFLOW_ALLOWED_HOSTS lists (a reverse proxy's) passes, as do the loopback names.
    const proxied = await requestWithHost(
      `http://127.0.0.1:${port}/api/2.0/mlflow/experiments/get-by-name?experiment_name=rebound`,
      'tracker.example.com',
    );
    expect(proxied).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    expect((await requestWithHost(`http://127.0.0.1:${port}/health`, `localhost:${port}`)).status).toBe(200);

    main.child.kill('SIGTERM');
    expect(await main.exited).toBe(0);
    expect(main.output()).toContain('SIGTERM, shutting down');
    expect(main.output()).toContain(
      'auth off: every request acts as the local admin "local" — allowed only while bound to loopback',
    );
    expect(existsSync(join(dir, 'data', 'tracker.db'))).toBe(true);
    const store = await openStore({ url: `file:${join(dir, 'data', 'tracker.db')}` });
    try {
      expect((await store.getExperimentByName('survives-restart')).name).toBe('survives-restart');
    } finally {
      await store.close();
    }
  }, 90_000);

  it('listens on the loopback address EDGEFLOW_TRACKER_HOST names, and closes cleanly on SIGHUP', async () => {
    const main = startMain(0, { EDGEFLOW_TRACKER_HOST: '::1' });
    const listening = await main.listening;
    const port = Number(listening.port);
    expect(listening.href).toBe(`http://[::1]:${port}/`);
    expect(listeningAddresses(main.child.pid!, port)).toEqual(['::1']);
    expect(await (await fetch(`http://[::1]:${port}/health`)).json()).toEqual({ status: 'ok' });
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

  it.each(['0.0.0.0', '::'])(
    'refuses to listen on %s (beyond loopback) in one line that says what to do instead',
    async (host) => {
      const main = startMain(0, { EDGEFLOW_TRACKER_HOST: host });
      expect(await main.exited).toBe(1);
      const lines = main.output().trim().split('\n');
      expect(lines, main.output()).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(
          `^edgeflow tracker failed to start: EDGEFLOW_TRACKER_HOST=${host.replaceAll('.', '\\.')} .*while auth is off.*set EDGEFLOW_AUTH=on`,
        ),
      );
      expect(lines[0]).toContain('keep it on loopback (127.0.0.1) behind a reverse proxy on the same host');
      expect(lines[0]).toContain('list the public host name in EDGEFLOW_ALLOWED_HOSTS');
    },
    30_000,
  );

  it('refuses to start on an EDGEFLOW_ALLOWED_HOSTS that is not a list of host names', async () => {
    const main = startMain(0, { EDGEFLOW_ALLOWED_HOSTS: 'tracker.example.com, https://tracker.example.com' });
    expect(await main.exited).toBe(1);
    expect(main.output().trim()).toBe(
      'edgeflow tracker failed to start: EDGEFLOW_ALLOWED_HOSTS must list host names, each with an optional :port, separated by commas (e.g. "tracker.example.com,tracker.example.com:8443"); "https://tracker.example.com" is not one',
    );
  }, 30_000);
});
