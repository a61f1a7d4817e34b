import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { RestartPolicy } from './restart-policy.ts';
import type { ProcessExit, Service, ServiceOptions } from './services.ts';
import { Supervisor } from './supervisor.ts';

/** A real process as a service: it runs `code` in node, and `stop()` kills it. */
function nodeService(code: string, opts: ServiceOptions = {}): Service {
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<ProcessExit>((resolve) =>
    child.once('exit', (code, signal) => {
      opts.running?.delete(service);
      resolve({ code, signal });
    }),
  );
  const service: Service = {
    name: 'svc',
    url: 'http://127.0.0.1:1',
    child,
    exited,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  opts.running?.add(service);
  return service;
}

const CRASH = 'console.error("boom"); process.exit(3)';
const RUN = 'setInterval(() => {}, 1000)';

describe('Supervisor', () => {
  it('starts a crashed service again until the policy gives up, saying why each time', async () => {
    const lines: string[] = [];
    const supervisor = new Supervisor((l) => lines.push(l));
    const gaveUp = new Promise<string>((resolve) =>
      supervisor.keep(nodeService(CRASH, supervisor.options), {
        start: async (opts) => nodeService(CRASH, opts),
        onGiveUp: resolve,
        meanwhile: 'the rest keeps running',
        policy: new RestartPolicy({ maxRestarts: 2, firstDelayMs: 10 }),
      }),
    );
    const reason = await gaveUp;
    expect(reason).toMatch(/^svc exited with code 3; its last output:\n {2}\| boom\n/);
    expect(reason).toMatch(/svc stopped 3 times within 5 min; not starting it again$/);
    const restarts = lines.filter((l) => l.includes('starting it again'));
    expect(restarts).toHaveLength(2);
    expect(restarts[0]).toMatch(/svc: starting it again in 0.01 s \(restart 1 of at most 2 within 5 min\); the rest/);
    expect(restarts[1]).toMatch(/in 0.02 s \(restart 2 of/);
    expect(lines.filter((l) => l.includes('running again'))).toHaveLength(2);
  });

  it('starts nothing again once stopping, and stop() ends what runs', async () => {
    const supervisor = new Supervisor(() => {});
    const running = nodeService(RUN, supervisor.options);
    let starts = 0;
    const crashing = nodeService(CRASH, supervisor.options);
    supervisor.keep(crashing, {
      start: async (opts) => {
        starts++;
        return nodeService(RUN, opts);
      },
      onGiveUp: () => {},
      policy: new RestartPolicy({ firstDelayMs: 60_000 }),
    });
    await crashing.exited;
    await supervisor.stop();
    expect(supervisor.stopping).toBe(true);
    expect(await running.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(starts).toBe(0);
  });
});
