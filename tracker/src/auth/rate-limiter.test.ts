import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.ts';

describe('RateLimiter', () => {
  it('allows a burst, then `perSecond` a second, saying how long to wait', () => {
    const limiter = new RateLimiter(10, 20);
    for (let i = 0; i < 20; i++) expect(limiter.take('t', 0)).toBe(0);
    expect(limiter.take('t', 0)).toBe(100);
    expect(limiter.take('u', 0)).toBe(0);
    expect(limiter.take('t', 100)).toBe(0);
    expect(limiter.take('t', 100)).toBe(100);
    // Idle time refills up to the burst, not past it.
    for (let i = 0; i < 20; i++) expect(limiter.take('t', 60_000)).toBe(0);
    expect(limiter.take('t', 60_000)).toBeGreaterThan(0);
  });
});
