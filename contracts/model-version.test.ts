import { describe, expect, it } from 'vitest';
import { isVersion, VersionString } from './model-version.ts';

describe('isVersion', () => {
  it.each(['1', '2', '10', '999999999999999'])('accepts %s', (v) => {
    expect(isVersion(v)).toBe(true);
    expect(VersionString.safeParse(v).success).toBe(true);
  });

  it.each(['', '0', '01', '-1', '1.0', 'v1', ' 1', '1e3', '1000000000000000'])('refuses %j', (v) => {
    expect(isVersion(v)).toBe(false);
    expect(VersionString.safeParse(v).success).toBe(false);
  });
});
