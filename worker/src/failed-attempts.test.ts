import { describe, expect, it } from 'vitest';
import { FailedAttempts } from './failed-attempts.ts';
import { manualClock } from './testing/manual-clock.ts';

describe('FailedAttempts', () => {
  it('blocks a client after `max` failures until the window from its first failure ends', () => {
    const clock = manualClock();
    const attempts = new FailedAttempts(3, 1000, 10, clock.now);
    attempts.record('a');
    clock.advance(400);
    attempts.record('a');
    expect(attempts.blockedForMs('a')).toBe(0);
    attempts.record('a');
    expect(attempts.blockedForMs('a')).toBe(600);
    expect(attempts.blockedForMs('b')).toBe(0);
    clock.advance(599);
    expect(attempts.blockedForMs('a')).toBe(1);
    clock.advance(1);
    expect(attempts.blockedForMs('a')).toBe(0);
    attempts.record('a'); // a new window
    expect(attempts.blockedForMs('a')).toBe(0);
  });

  it('forgets the client whose window started longest ago when full', () => {
    const clock = manualClock();
    const attempts = new FailedAttempts(1, 1000, 2, clock.now);
    attempts.record('a');
    attempts.record('b');
    attempts.record('c');
    expect(['a', 'b', 'c'].map((c) => attempts.blockedForMs(c) > 0)).toEqual([false, true, true]);
  });
});
