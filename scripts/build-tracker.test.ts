// `npm run build` as production runs it: the build in a folder of its own with only the production
// dependencies installed there (`npm ci --omit=dev`, from npm's cache), then `node dist/tracker.js`
// against a local fake of Cloudflare's APIs — health, the MLflow API, an artifact into R2, the
// dashboard, the migrations — and `node dist/migrate.js`.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createClient } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeCloudflare } from '../tracker/src/edge/testing/fake-cloudflare.ts';
import { LISTENING } from '../tracker/src/testing/tracker-process.ts';
import { buildTracker, type TrackerBuild } from './build-tracker.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

const credentials = {
  accountId: 'acc-dist',
  apiToken: 'cf-token',
  namespaceId: 'ns-dist',
  bucket: 'edgeflow-models',
  accessKeyId: 'AKIDIST',
  secretAccessKey: 'r2-secret',
};

describe('npm run build, run with production dependencies only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgeflow-dist-'));
  const cf = new FakeCloudflare(credentials);
  const children: ChildProcess[] = [];
  let build: TrackerBuild;
  // The environment of a production host: none of the test runner's loaders.
  const { NODE_OPTIONS: _, ...env } = process.env;

  beforeAll(async () => {
    build = await buildTracker(join(dir, 'dist'));
    for (const f of ['package.json', 'package-lock.json']) copyFileSync(join(ROOT, f), join(dir, f));
    await run('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: dir,
      env,
    });
    await cf.start();
  }, 120_000);
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await cf.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** `node dist/tracker.js` in the install folder; resolves with the URL it says it listens on. */
  function startDist(extra: Record<string, string>) {
    const child = spawn(process.execPath, [build.script], {
      cwd: dir,
      env: { ...env, EDGEFLOW_TRACKER_PORT: '0', EDGEFLOW_DATA_DIR: join(dir, 'data'), ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const listening = new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', () => {
        const m = LISTENING.exec(output);
        if (m) resolve(m[1]!);
      });
      void exited.then((code) => reject(new Error(`exited with ${code}:\n${output}`)));
    });
    listening.catch(() => undefined);
    return { child, exited, listening, output: () => output };
  }

  /** The edge settings of the fake Cloudflare APIs. */
  const cloudflareEnv = () => ({
    EDGEFLOW_EDGE: 'cloudflare',
    CLOUDFLARE_ACCOUNT_ID: credentials.accountId,
    CLOUDFLARE_API_TOKEN: credentials.apiToken,
    EDGEFLOW_KV_NAMESPACE_ID: credentials.namespaceId,
    EDGEFLOW_R2_BUCKET: credentials.bucket,
    R2_ACCESS_KEY_ID: credentials.accessKeyId,
    R2_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    EDGEFLOW_CF_API_URL: cf.apiUrl,
    EDGEFLOW_R2_ENDPOINT: cf.r2Endpoint,
  });

  it('installs no development-only package, and the build imports only production dependencies', () => {
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const devOnly = Object.entries(lock.packages).filter(([path, p]) => p.dev && path.startsWith('node_modules/'));
    expect(devOnly.map(([path]) => path)).toEqual(
      expect.arrayContaining(['node_modules/esbuild', 'node_modules/tsx', 'node_modules/wrangler']),
    );
    for (const [path] of devOnly) expect(existsSync(join(dir, path)), path).toBe(false);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(build.imports).toEqual(['@libsql/client']);
    expect(pkg.dependencies).toHaveProperty('@libsql/client');
  });

  it('serves health, the MLflow API, artifacts into R2 and the dashboard, on a migrated database', async () => {
    const tracker = startDist(cloudflareEnv());
    const url = await tracker.listening;
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${url}/api/2.0/mlflow/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status, path).toBe(200);
      return res.json();
    };

    expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: 'ok' });
    const { experiment_id } = await post('experiments/create', { name: 'dist' });
    const { run } = await post('runs/create', { experiment_id, start_time: 1 });
    await post('runs/log-metric', { run_id: run.info.run_id, key: 'loss', value: 0.25, timestamp: 2, step: 1 });
    const history = await fetch(
      `${url}/api/2.0/mlflow/metrics/get-history?run_id=${run.info.run_id}&metric_key=loss`,
    ).then((r) => r.json());
    expect(history.metrics).toEqual([{ key: 'loss', value: 0.25, timestamp: 2, step: 1 }]);
    const artifactUri = run.info.artifact_uri.replace(/^mlflow-artifacts:\//, '');
    const put = await fetch(`${url}/api/2.0/mlflow-artifacts/artifacts/${artifactUri}/notes.txt`, {
      method: 'PUT',
      body: 'hello',
    });
    expect(put.status).toBe(200);
    expect([...cf.objects.keys()]).toEqual([`artifacts/${artifactUri}/notes.txt`]);

    const page = await fetch(`${url}/experiments/${experiment_id}`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const script = /<script type="module" src="(\/ui\/app\.js\?v=\w+)">/.exec(await page.text());
    expect(script).not.toBeNull();
    const app = await fetch(url + script![1]!);
    expect(app.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await app.text()).length).toBeGreaterThan(10_000);

    tracker.child.kill('SIGTERM');
    expect(await tracker.exited).toBe(0);
    const journal = JSON.parse(readFileSync(join(ROOT, 'migrations/meta/_journal.json'), 'utf8')) as {
      entries: unknown[];
    };
    const db = createClient({ url: `file:${join(dir, 'data', 'tracker.db')}` });
    try {
      const { rows } = await db.execute('SELECT count(*) AS n FROM __drizzle_migrations');
      expect(Number(rows[0]!.n)).toBe(journal.entries.length);
    } finally {
      db.close();
    }
  }, 60_000);

  it('refuses the local edge in one line when wrangler is not installed', async () => {
    const tracker = startDist({ EDGEFLOW_EDGE: 'local' });
    expect(await tracker.exited).toBe(1);
    expect(tracker.output().trim()).toMatch(
      /^edgeflow tracker failed to start: EDGEFLOW_EDGE=local simulates R2 and KV with wrangler, a development dependency that is not installed here: set EDGEFLOW_EDGE=cloudflare/,
    );
  }, 30_000);

  it('applies the migrations with node dist/migrate.js', async () => {
    const data = join(dir, 'migrate-data');
    const { stdout } = await run(process.execPath, [join(dir, 'dist', 'migrate.js')], {
      cwd: dir,
      env: { ...env, EDGEFLOW_DATA_DIR: data },
    });
    expect(stdout).toMatch(/^applied \d+ migrations to file:.*tracker\.db: 0000_init, /);
  }, 30_000);

  it('backs the database up with node dist/backup.js while the tracker writes to it', async () => {
    const data = join(dir, 'backup-data');
    const tracker = startDist({ ...cloudflareEnv(), EDGEFLOW_DATA_DIR: data });
    const url = await tracker.listening;
    const create = (name: string) =>
      fetch(`${url}/api/2.0/mlflow/experiments/create`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name }),
      }).then((r) => r.status);
    for (let i = 0; i < 20; i++) expect(await create(`before-${i}`)).toBe(200);
    let writing = true;
    const writes = (async () => {
      let n = 0;
      while (writing) expect(await create(`during-${n++}`)).toBe(200);
      return n;
    })();
    const target = join(dir, 'backup.db');
    const { stdout } = await run(process.execPath, [join(dir, 'dist', 'backup.js'), target], {
      cwd: dir,
      env: { ...env, EDGEFLOW_DATA_DIR: data },
    });
    writing = false;
    expect(await writes).toBeGreaterThan(0);
    expect(stdout.trim()).toBe(`backed up ${join(data, 'tracker.db')} into ${target}`);
    tracker.child.kill('SIGTERM');
    expect(await tracker.exited).toBe(0);

    const copy = createClient({ url: `file:${target}` });
    try {
      expect((await copy.execute('PRAGMA integrity_check')).rows[0]![0]).toBe('ok');
      const { rows } = await copy.execute("SELECT count(*) AS n FROM experiments WHERE name LIKE 'before-%'");
      expect(Number(rows[0]!.n)).toBe(20);
    } finally {
      copy.close();
    }
    const again = await run(process.execPath, [join(dir, 'dist', 'backup.js'), target], {
      cwd: dir,
      env: { ...env, EDGEFLOW_DATA_DIR: data },
    }).catch((e: { code: number; stderr: string }) => e);
    expect(again).toMatchObject({ code: 1, stderr: `backup failed: ${target} exists already: name a new file\n` });
  }, 60_000);

  it('has a systemd unit that runs dist/tracker.js with settings the tracker reads', async () => {
    const unit = readFileSync(join(ROOT, 'deploy/edgeflow-tracker.service'), 'utf8');
    expect(unit).toMatch(/^ExecStart=\S+\/node \/opt\/edgeflow\/dist\/tracker\.js$/m);
    const source = ['tracker/src/config.ts', 'tracker/src/edge/open-edge.ts']
      .map((f) => readFileSync(join(ROOT, f), 'utf8'))
      .join('\n');
    const names = [...unit.matchAll(/^Environment=(\w+)=/gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(source, name).toContain(name);
    const verify = await run('systemd-analyze', ['verify', join(ROOT, 'deploy/edgeflow-tracker.service')]).catch(
      (e: NodeJS.ErrnoException & { stderr?: string }) => (e.code === 'ENOENT' ? null : e),
    );
    if (verify) expect(verify).toMatchObject({ stderr: '' });
  });
});
