/** A seeded source of uniform and normal random numbers (mulberry32 + Box–Muller). */
export interface Rng {
  /** Uniform float in [0, 1). */
  uniform(): number;
  /** Standard normal sample (mean 0, std 1). */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** A 32-bit seed derived from this stream, for seeding something else (e.g. tfjs initializers). */
  seed(): number;
}

/**
 * A deterministic PRNG: mulberry32 for uniforms, Box–Muller (both values used) for normals.
 * The same seed always gives the same stream.
 */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  let spare: number | undefined;

  const next32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };

  const uniform = (): number => next32() / 4294967296;

  return {
    uniform,
    normal() {
      if (spare !== undefined) {
        const s = spare;
        spare = undefined;
        return s;
      }
      // 1 - u lies in (0, 1], so the log is finite.
      const r = Math.sqrt(-2 * Math.log(1 - uniform()));
      const theta = 2 * Math.PI * uniform();
      spare = r * Math.sin(theta);
      return r * Math.cos(theta);
    },
    int(n) {
      return Math.floor(uniform() * n);
    },
    seed: next32,
  };
}

/** Fisher–Yates shuffle of `items` in place, driven by `rng`; returns the same array. */
export function shuffleInPlace<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = items[i] as T;
    items[i] = items[j] as T;
    items[j] = tmp;
  }
  return items;
}

/** The indices 0..n-1 in a seeded random order. */
export function permutation(n: number, rng: Rng): number[] {
  return shuffleInPlace(
    Array.from({ length: n }, (_, i) => i),
    rng,
  );
}
