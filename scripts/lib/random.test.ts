import { describe, expect, it } from 'vitest';
import { createRng, permutation, shuffleInPlace } from './random.ts';

describe('createRng', () => {
  it('gives the same stream for the same seed and another one for another seed', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const sa = Array.from({ length: 100 }, () => a.uniform());
    expect(Array.from({ length: 100 }, () => b.uniform())).toEqual(sa);
    expect(Array.from({ length: 100 }, () => c.uniform())).not.toEqual(sa);
  });

  it('draws uniforms in [0, 1) with mean 1/2', () => {
    const rng = createRng(1);
    const xs = Array.from({ length: 20_000 }, () => rng.uniform());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((a, b) => a + b, 0) / xs.length).toBeCloseTo(0.5, 2);
  });

  it('draws standard normals (mean 0, std 1, about 95% within ±1.96)', () => {
    const rng = createRng(7);
    const xs = Array.from({ length: 40_000 }, () => rng.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(std - 1)).toBeLessThan(0.02);
    const inside = xs.filter((x) => Math.abs(x) < 1.96).length / xs.length;
    expect(Math.abs(inside - 0.95)).toBeLessThan(0.005);
    expect(xs.every(Number.isFinite)).toBe(true);
  });

  it('draws every integer of [0, n) and nothing else', () => {
    const rng = createRng(3);
    const seen = new Set(Array.from({ length: 1000 }, () => rng.int(5)));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('shuffle', () => {
  it('permutes deterministically for a seed', () => {
    const p = permutation(50, createRng(9));
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(p).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(permutation(50, createRng(9))).toEqual(p);
    expect(permutation(50, createRng(10))).not.toEqual(p);
  });

  it('shuffles in place and returns the same array', () => {
    const items = ['a', 'b', 'c', 'd'];
    expect(shuffleInPlace(items, createRng(0))).toBe(items);
    expect([...items].sort()).toEqual(['a', 'b', 'c', 'd']);
  });
});
