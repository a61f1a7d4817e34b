import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { assertPortsFree, freePort, type LoopConfig, loopConfig } from './services.ts';

function listenOn(port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(port, host, () => resolve(srv));
  });
}

const close = (srv: Server) => new Promise((r) => srv.close(r));

describe('loopConfig', () => {
  it('puts the tracker on the loopback host the tracker itself reads, 127.0.0.1 by default', () => {
    expect(loopConfig({}).trackerHost).toBe('127.0.0.1');
    expect(loopConfig({ EDGEFLOW_TRACKER_HOST: '[::1]' }).trackerHost).toBe('::1');
    expect(() => loopConfig({ EDGEFLOW_TRACKER_HOST: '0.0.0.0' })).toThrow(
      /^EDGEFLOW_TRACKER_HOST=0\.0\.0\.0 would let other machines reach the tracker/,
    );
  });
});

describe('assertPortsFree', () => {
  it('tests the tracker’s port on the host the tracker will bind, not on every interface', async () => {
    const cfg: LoopConfig = {
      trackerHost: '::1',
      trackerPort: await freePort(),
      workerPort: await freePort(),
      dataDir: '',
      stateDir: '',
    };
    // Taken on 127.0.0.1 only: the tracker on ::1 can still listen there.
    const other = await listenOn(cfg.trackerPort, '127.0.0.1');
    try {
      await expect(assertPortsFree(cfg)).resolves.toBeUndefined();
    } finally {
      await close(other);
    }
    const same = await listenOn(cfg.trackerPort, '::1');
    try {
      await expect(assertPortsFree(cfg)).rejects.toThrow(
        `port ${cfg.trackerPort} (the tracker) is in use: stop what listens there or set EDGEFLOW_TRACKER_PORT to a free port`,
      );
    } finally {
      await close(same);
    }
  });
});
