import { describe, expect, it } from 'vitest';
import { FailureBackoff } from './failure-backoff.ts';

describe('FailureBackoff', () => {
  it('allows `free` failures, then waits 1 s, 2 s, 4 s… up to the cap; a success forgets', () => {
    const backoff = new FailureBackoff({ free: 2, baseMs: 1000, maxMs: 5000 });
    let now = 0;
    backoff.fail('k', now);
    backoff.fail('k', now);
    expect(backoff.waitMs('k', now)).toBe(0);
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      backoff.fail('k', now);
      waits.push(backoff.waitMs('k', now));
      now += waits.at(-1)!;
    }
    expect(waits).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(backoff.waitMs('other', now)).toBe(0);
    backoff.reset('k');
    backoff.fail('k', now);
    expect(backoff.waitMs('k', now)).toBe(0);
  });

  it('forgets a key’s failures `forgetMs` after its last one, and keeps at most `maxKeys`', () => {
    const backoff = new FailureBackoff({ free: 0, baseMs: 1000, forgetMs: 10_000, maxKeys: 2 });
    backoff.fail('a', 0);
    expect(backoff.waitMs('a', 500)).toBe(500);
    backoff.fail('a', 20_000);
    expect(backoff.waitMs('a', 20_000)).toBe(1000);
    backoff.fail('b', 0);
    backoff.fail('c', 0);
    expect(backoff.waitMs('a', 20_000)).toBe(0);
  });
});
