import { createRandom, hashUnit, keyOf } from '@windmill/core/generator/prng';

const draw = (seed: string | number, n: number, ...labels: string[]): number[] => {
  const random = createRandom(seed, ...labels);
  return Array.from({ length: n }, () => random.next());
};

describe('createRandom', () => {
  it('repeats its sequence for the same seed and differs for another seed or stream label', () => {
    expect(draw('demo', 50)).toEqual(draw('demo', 50));
    expect(draw('demo', 50)).not.toEqual(draw('demo2', 50));
    expect(draw('demo', 50, 'file', 'a.csv')).not.toEqual(draw('demo', 50, 'file', 'b.csv'));
  });

  it('treats a numeric seed like its text, as a command line would pass it', () => {
    expect(draw(42, 10)).toEqual(draw('42', 10));
  });

  it('draws uniform numbers in [0, 1) with a mean near one half', () => {
    const values = draw('uniform', 20_000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean).toBeGreaterThan(0.49);
    expect(mean).toBeLessThan(0.51);
    const tenths = new Array<number>(10).fill(0);
    for (const v of values) tenths[Math.floor(v * 10)]! += 1;
    for (const count of tenths) expect(Math.abs(count - 2000)).toBeLessThan(200);
  });

  it('keeps int, chance and pick within their contracts', () => {
    const random = createRandom('helpers');
    const ints = Array.from({ length: 1000 }, () => random.int(7));
    expect(new Set(ints)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6]));
    expect(random.int(1)).toBe(0);
    expect(Array.from({ length: 100 }, () => random.chance(0)).some(Boolean)).toBe(false);
    expect(Array.from({ length: 100 }, () => random.chance(1)).every(Boolean)).toBe(true);
    const hits = Array.from({ length: 10_000 }, () => random.chance(0.2)).filter(Boolean).length;
    expect(Math.abs(hits - 2000)).toBeLessThan(200);
    expect(['a', 'b']).toContain(random.pick(['a', 'b']));
    expect(() => random.pick([])).toThrow(RangeError);
  });
});

describe('keyOf and hashUnit', () => {
  it('give stable, label-sensitive keys and uncorrelated neighbouring values', () => {
    expect(keyOf('s', 'turbine', 1)).toBe(keyOf('s', 'turbine', 1));
    expect(keyOf('s', 'turbine', 1)).not.toBe(keyOf('s', 'turbine', '1'));
    expect(keyOf('s', 'turbine', 1)).not.toBe(keyOf('s', 'turbine', 2));
    const key = keyOf('s');
    expect(hashUnit(key, 5, 1)).toBe(hashUnit(key, 5, 1));
    const values = Array.from({ length: 5000 }, (_, i) => hashUnit(key, 1_646_092_800 + i * 3600, 0));
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.02);
    let lagProduct = 0;
    for (let i = 1; i < values.length; i += 1) lagProduct += (values[i]! - 0.5) * (values[i - 1]! - 0.5);
    // Correlation of neighbours: variance of a uniform is 1/12.
    expect(Math.abs(lagProduct / (values.length - 1) / (1 / 12))).toBeLessThan(0.05);
  });
});
