import { describe, expect, it } from 'vitest';
import { binOf, buildReferenceProfile, categoryOf, sampleRows } from './build-reference-profile.ts';
import { MAX_REFERENCE_SAMPLE, ReferenceProfile } from './reference-profile.ts';

const rows = (n: number) => Array.from({ length: n }, (_, i) => [i, i % 3, 5]);

describe('buildReferenceProfile', () => {
  const profile = buildReferenceProfile({
    source: 'training',
    names: ['ramp', 'kind', 'constant'],
    rows: rows(2000),
    categorical: ['kind'],
    output: { field: 'probability', values: Array.from({ length: 400 }, (_, i) => i / 400) },
    seed: 7,
  });

  it('bins a numeric column on its deciles, open-ended at both ends', () => {
    const ramp = profile.features[0]!;
    expect(ramp.kind).toBe('numeric');
    if (ramp.kind !== 'numeric') return;
    const deciles = [199.9, 399.8, 599.7, 799.6, 999.5, 1199.4, 1399.3, 1599.2, 1799.1];
    expect(ramp.edges).toHaveLength(deciles.length);
    ramp.edges.forEach((e, i) => expect(e).toBeCloseTo(deciles[i]!, 9));
    expect(ramp.counts).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 200]);
    expect(binOf(ramp.edges, -1e9)).toBe(0);
    expect(binOf(ramp.edges, 199.9)).toBe(1);
    expect(binOf(ramp.edges, 1e9)).toBe(9);
    expect([ramp.count, ramp.min, ramp.max, ramp.mean]).toEqual([2000, 0, 1999, 999.5]);
    expect(ramp.std).toBeCloseTo(Math.sqrt((2000 ** 2 - 1) / 12), 9);
  });

  it('keeps a seeded sample of at most MAX_REFERENCE_SAMPLE rows (all of them when fewer)', () => {
    const all = profile.features[0]!;
    if (all.kind !== 'numeric') throw new Error('numeric expected');
    expect(all.sample).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    const big = buildReferenceProfile({
      source: 'training',
      names: ['ramp', 'kind', 'constant'],
      rows: rows(MAX_REFERENCE_SAMPLE + 1000),
      output: { field: 'probability', values: [0.5] },
      seed: 7,
    });
    const ramp = big.features[0]!;
    if (ramp.kind !== 'numeric') throw new Error('numeric expected');
    expect(ramp.sample).toHaveLength(MAX_REFERENCE_SAMPLE);
    expect(new Set(ramp.sample).size).toBe(MAX_REFERENCE_SAMPLE);
    expect(sampleRows(MAX_REFERENCE_SAMPLE + 1000, MAX_REFERENCE_SAMPLE, 7)).toEqual(ramp.sample);
    expect(sampleRows(MAX_REFERENCE_SAMPLE + 1000, MAX_REFERENCE_SAMPLE, 8)).not.toEqual(ramp.sample);
    const output = profile.output.column;
    if (output.kind !== 'numeric') throw new Error('numeric expected');
    expect(output.sample).toHaveLength(400);
    expect(profile.output.field).toBe('probability');
  });

  it('merges equal deciles, and counts categories with a bin for any other value', () => {
    const constant = profile.features[2]!;
    if (constant.kind !== 'numeric') throw new Error('numeric expected');
    expect(constant.edges).toEqual([5]);
    expect(constant.counts).toEqual([0, 2000]);
    expect(constant.std).toBe(0);
    const kind = profile.features[1]!;
    if (kind.kind !== 'categorical') throw new Error('categorical expected');
    expect(kind.categories).toEqual([0, 1, 2]);
    expect(kind.counts).toEqual([667, 667, 666, 0]);
    expect(categoryOf(kind.categories, 2)).toBe(2);
    expect(categoryOf(kind.categories, 9)).toBe(3);
  });

  it('round-trips through JSON and the contract; the contract refuses inconsistent columns', () => {
    expect(ReferenceProfile.parse(JSON.parse(JSON.stringify(profile)))).toEqual(profile);
    const bad = structuredClone(profile) as { features: { counts: number[] }[] };
    bad.features[0]!.counts.push(0);
    expect(ReferenceProfile.safeParse(bad).success).toBe(false);
    const badSum = structuredClone(profile) as { features: { counts: number[] }[] };
    badSum.features[1]!.counts[0]! += 1;
    expect(ReferenceProfile.safeParse(badSum).error?.issues[0]?.message).toBe('counts must add up to count');
  });

  it('refuses rows of the wrong width and empty data', () => {
    const base = { source: 'live', names: ['a', 'b'], output: { field: 'prediction', values: [1] } } as const;
    expect(() => buildReferenceProfile({ ...base, rows: [[1, 2], [3]] })).toThrow(/1 values, not 2/);
    expect(() => buildReferenceProfile({ ...base, rows: [] })).toThrow(RangeError);
  });
});
