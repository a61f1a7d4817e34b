import { describe, expect, it } from 'vitest';
import { ExpiringSet } from './expiring-set.ts';
import { manualClock } from './testing/manual-clock.ts';

describe('ExpiringSet', () => {
  it('remembers a value for its TTL from when it was last added', () => {
    const clock = manualClock();
    const set = new ExpiringSet(1000, 10, clock.now);
    set.add('a');
    clock.advance(999);
    expect(set.has('a')).toBe(true);
    set.add('a');
    clock.advance(999);
    expect(set.has('a')).toBe(true);
    clock.advance(1);
    expect(set.has('a')).toBe(false);
    expect(set.has('b')).toBe(false);
  });

  it('drops the value added longest ago when full', () => {
    const clock = manualClock();
    const set = new ExpiringSet(1000, 3, clock.now);
    for (const v of ['a', 'b', 'c']) set.add(v);
    set.add('a'); // re-added: now the newest
    set.add('d');
    expect(['a', 'b', 'c', 'd'].filter((v) => set.has(v))).toEqual(['a', 'c', 'd']);
  });
});
