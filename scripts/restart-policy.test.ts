import { describe, expect, it } from 'vitest';
import { RestartPolicy } from './restart-policy.ts';

describe('RestartPolicy', () => {
  it('doubles the delay with each crash in the window, up to the cap', () => {
    let t = 0;
    const policy = new RestartPolicy({ maxRestarts: 10, firstDelayMs: 1000, maxDelayMs: 5000, now: () => t });
    const delays = [];
    for (let i = 0; i < 5; i++) {
      const d = policy.crashed();
      expect(d).toMatchObject({ restart: true, attempt: i + 1 });
      if (d.restart) delays.push(d.delayMs);
      t += 100;
    }
    expect(delays).toEqual([1000, 2000, 4000, 5000, 5000]);
  });

  it('gives up after maxRestarts crashes within the window', () => {
    let t = 0;
    const policy = new RestartPolicy({ maxRestarts: 3, windowMs: 60_000, now: () => t });
    for (let i = 0; i < 3; i++) {
      expect(policy.crashed().restart).toBe(true);
      t += 10_000;
    }
    expect(policy.crashed()).toEqual({ restart: false, crashes: 4, windowMs: 60_000 });
  });

  it('forgets crashes older than the window: an occasional crash always restarts, after the first delay', () => {
    let t = 0;
    const policy = new RestartPolicy({ maxRestarts: 2, windowMs: 60_000, firstDelayMs: 1000, now: () => t });
    for (let i = 0; i < 10; i++) {
      expect(policy.crashed()).toEqual({ restart: true, attempt: 1, delayMs: 1000 });
      t += 60_000;
    }
  });

  it('counts a crash exactly one window old as outside it', () => {
    let t = 0;
    const policy = new RestartPolicy({ maxRestarts: 1, windowMs: 1000, now: () => t });
    expect(policy.crashed().restart).toBe(true);
    t = 999;
    expect(policy.crashed().restart).toBe(false);
    t = 1999;
    expect(policy.crashed()).toMatchObject({ restart: true, attempt: 1 });
  });
});
