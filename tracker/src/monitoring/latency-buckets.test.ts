import { describe, expect, it } from 'vitest';
import { LATENCY_BUCKETS, latencyBound, latencyBucket, latencyQuantile } from './latency-buckets.ts';

describe('latency buckets', () => {
  it('put a latency in the first bucket whose bound is at least it', () => {
    for (const ms of [0, 0.01, 0.05, 0.0501, 0.75, 1, 2.9, 40, 1000, 43_000]) {
      const i = latencyBucket(ms);
      expect(latencyBound(i)).toBeGreaterThanOrEqual(ms);
      if (i > 0) expect(latencyBound(i - 1)).toBeLessThan(ms);
    }
    for (let i = 0; i < LATENCY_BUCKETS - 1; i++) expect(latencyBucket(latencyBound(i))).toBe(i);
    expect(latencyBucket(1e9)).toBe(LATENCY_BUCKETS - 1);
  });

  it('estimate quantiles at most 19% above the true value, never below', () => {
    const latencies = Array.from({ length: 10_000 }, (_, i) => 0.2 + (i % 997) * 0.37);
    const buckets = new Array<number>(LATENCY_BUCKETS).fill(0);
    for (const ms of latencies) buckets[latencyBucket(ms)]!++;
    const sorted = [...latencies].sort((a, b) => a - b);
    const max = sorted.at(-1)!;
    for (const q of [0.5, 0.95, 0.99]) {
      const truth = sorted[Math.ceil(q * sorted.length) - 1]!;
      const estimate = latencyQuantile(buckets, q, max)!;
      expect(estimate).toBeGreaterThanOrEqual(truth);
      expect(estimate / truth).toBeLessThan(2 ** 0.25);
    }
    expect(latencyQuantile(buckets, 1, max)).toBe(max);
    expect(latencyQuantile(new Array(LATENCY_BUCKETS).fill(0), 0.5, 0)).toBeNull();
  });
});
