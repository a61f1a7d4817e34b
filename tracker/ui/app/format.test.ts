import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatNumber } from './format.ts';
import { mapLimit } from './map-limit.ts';

describe('format', () => {
  it('formats durations, numbers and sizes', () => {
    expect(formatDuration(850)).toBe('850ms');
    expect(formatDuration(12_340)).toBe('12.3s');
    expect(formatDuration(245_000)).toBe('4m 05s');
    expect(formatDuration(7_380_000)).toBe('2h 03m');
    expect(formatDuration(undefined)).toBe('');
    expect(formatNumber(3)).toBe('3');
    expect(formatNumber(0.000012345)).toBe('1.2345e-5');
    expect(formatNumber(NaN)).toBe('NaN');
    expect(formatBytes(2048)).toBe('2.0 KB');
  });
});

describe('mapLimit', () => {
  it('keeps order and never exceeds the limit in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, n));
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });
});
