/**
 * Seeded randomness for the sample-data generator: a small sequential PRNG (sfc32) for choices
 * made while writing a file, and a stateless integer hash for values that must be the same
 * whichever file or order asks for them. Nothing here reads the clock or Math.random.
 */

/** A seed as users type it (`--seed demo`) or as code passes it (`42`). */
export type Seed = string | number;

/** A sequential source of uniform numbers in [0, 1) plus the few helpers the generator needs. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, maxExclusive); 0 when maxExclusive <= 1. */
  int(maxExclusive: number): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  /** True with probability `p`; never true for p <= 0, always for p >= 1. */
  chance(p: number): boolean;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
}

/** Final avalanche step of a 32-bit integer hash: every input bit flips about half the output bits. */
export function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A 32-bit key for a seed and a chain of labels, e.g. `keyOf('demo', 'turbine', 7)`.
 * A seed means its text (`42` and `'42'` are the same seed, as typed on a command line); among
 * labels numbers and strings hash differently, so labels cannot collide by accident.
 */
export function keyOf(seed: Seed, ...labels: (string | number)[]): number {
  let h = 0x9e3779b9;
  for (const part of [String(seed), ...labels]) {
    const text = typeof part === 'number' ? `#${part}` : `$${part}`;
    for (let i = 0; i < text.length; i += 1) {
      h = mix32(h ^ text.charCodeAt(i));
    }
    h = mix32(h + 0x632be5ab);
  }
  return h;
}

/**
 * Stateless uniform in [0, 1) for a key and up to two integer coordinates (e.g. a knot index).
 * The same inputs always give the same number; neighbouring coordinates are uncorrelated.
 * Coordinates beyond 2^32 wrap, which is harmless for time in seconds until 2106.
 */
export function hashUnit(key: number, a: number, b = 0): number {
  const high = Math.floor(a / 0x1_0000_0000);
  let h = mix32(key ^ mix32(a >>> 0));
  h = mix32(h ^ mix32((b >>> 0) + Math.imul(high, 0x27d4eb2d)));
  return h / 0x1_0000_0000;
}

/** sfc32 state advanced in place; returns a uniform uint32. */
function sfc32Step(s: Uint32Array): number {
  const a = s[0]!;
  const b = s[1]!;
  const c = s[2]!;
  const d = s[3]!;
  const t = (((a + b) >>> 0) + d) >>> 0;
  s[3] = (d + 1) >>> 0;
  s[0] = b ^ (b >>> 9);
  s[1] = (c + (c << 3)) >>> 0;
  s[2] = (((c << 21) | (c >>> 11)) + t) >>> 0;
  return t;
}

/**
 * A sequential sfc32 generator for a seed and optional labels naming the stream
 * (`createRandom(seed, 'file', name)`), so independent parts of the output draw from
 * independent streams and adding a file never shifts the numbers of another.
 */
export function createRandom(seed: Seed, ...labels: (string | number)[]): Random {
  const root = keyOf(seed, ...labels);
  const state = new Uint32Array([mix32(root ^ 0xa0761d65), mix32(root ^ 0xe7037ed1), mix32(root ^ 0x8ebc6af0), 1]);
  // The first outputs after seeding are weakly mixed; a few warm-up rounds decorrelate them.
  for (let i = 0; i < 12; i += 1) sfc32Step(state);

  const next = (): number => sfc32Step(state) / 0x1_0000_0000;
  return {
    next,
    int: (maxExclusive) => (maxExclusive <= 1 ? 0 : Math.floor(next() * maxExclusive)),
    between: (min, max) => min + (max - min) * next(),
    chance: (p) => p > 0 && (p >= 1 || next() < p),
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError('pick() needs a non-empty list');
      return items[Math.floor(next() * items.length)]!;
    },
  };
}
