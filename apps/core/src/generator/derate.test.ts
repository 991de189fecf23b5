import { createDerateLookup, derateProblems, parseDerate } from '@windmill/core/generator/derate';
import { resolveOptions } from '@windmill/core/generator/options';

const MARCH_1 = Date.UTC(2022, 2, 1);
const at = (day: number, hour = 0) => Date.UTC(2022, 2, day, hour) / 1000;

describe('parseDerate', () => {
  it('reads turbines, one day or an inclusive range of days, and the fraction taken away', () => {
    expect(parseDerate('7:2022-03-10:0.5')).toEqual({ turbines: [7], from: '2022-03-10', to: '2022-03-10', fraction: 0.5 });
    expect(parseDerate('9,3-5,4:2022-03-10..2022-03-14:.25')).toEqual({
      turbines: [3, 4, 5, 9],
      from: '2022-03-10',
      to: '2022-03-14',
      fraction: 0.25,
    });
  });

  it('explains a malformed derate with the expected form', () => {
    expect(() => parseDerate('7:2022-03-10')).toThrow(/three parts.*<turbines>:<day>\[\.\.<day>\]:<fraction>/);
    expect(() => parseDerate('x:2022-03-10:0.5')).toThrow(/turbines "x" must be ids or ranges/);
    expect(() => parseDerate('5-3:2022-03-10:0.5')).toThrow(/turbine range "5-3" is empty/);
    expect(() => parseDerate('0:2022-03-10:0.5')).toThrow(/not positive/);
    expect(() => parseDerate('7:2022-03-10..2022-03-11..2022-03-12:0.5')).toThrow(/days .* must be a day or first\.\.last/);
    expect(() => parseDerate('7:2022-03-10:half')).toThrow(/fraction "half" must be a number/);
  });
});

describe('derateProblems', () => {
  const ok = { turbines: [2], from: '2022-03-02', to: '2022-03-03', fraction: 0.3 };

  it('accepts derates within the generated turbines and days', () => {
    expect(derateProblems([ok, { ...ok, turbines: [1, 3], from: '2022-03-01', to: '2022-03-05', fraction: 1 }], 3, MARCH_1, 5)).toEqual([]);
  });

  it('names every problem', () => {
    const problems = derateProblems(
      [
        { ...ok, turbines: [0, 4] },
        { ...ok, from: '2022-03-04', to: '2022-03-02' },
        { ...ok, to: '2022-03-06' },
        { ...ok, from: '2022-02-30' },
        { ...ok, fraction: 0 },
        { ...ok, fraction: 1.5 },
        { ...ok, turbines: [] },
      ],
      3,
      MARCH_1,
      5,
    );
    expect(problems).toEqual([
      'derates[0] names turbines outside 1..3: 0, 4',
      'derates[1] ends (2022-03-02) before it starts (2022-03-04)',
      'derates[2] days 2022-03-02..2022-03-06 are not all within the generated days',
      'derates[3] days must be dates YYYY-MM-DD (got 2022-02-30..2022-03-03)',
      'derates[4] fraction must be more than 0 and at most 1 (got 0)',
      'derates[5] fraction must be more than 0 and at most 1 (got 1.5)',
      'derates[6] names no turbine',
    ]);
  });

  it('refuses two derates of one turbine on the same day', () => {
    expect(derateProblems([ok, { ...ok, turbines: [1, 2], from: '2022-03-03', to: '2022-03-04' }], 3, MARCH_1, 5)).toEqual([
      'derates overlap for turbine 2',
    ]);
    expect(derateProblems([ok, { ...ok, from: '2022-03-04', to: '2022-03-04' }], 3, MARCH_1, 5)).toEqual([]);
  });

  it('is part of the generator options check', () => {
    expect(() => resolveOptions({ turbines: 3, days: 5, derates: [{ ...ok, turbines: [9] }] })).toThrow(
      /derates\[0\] names turbines outside/,
    );
    expect(resolveOptions({ turbines: 3, days: 5 }).derates).toEqual([]);
  });
});

describe('createDerateLookup', () => {
  it('gives the fraction from midnight UTC of the first day up to, not including, midnight after the last', () => {
    const lookup = createDerateLookup([
      { turbines: [2], from: '2022-03-02', to: '2022-03-03', fraction: 0.3 },
      { turbines: [2, 3], from: '2022-03-05', to: '2022-03-05', fraction: 1 },
    ]);
    expect(lookup(2, at(1, 23))).toBe(0);
    expect(lookup(2, at(2))).toBe(0.3);
    expect(lookup(2, at(3, 23))).toBe(0.3);
    expect(lookup(2, at(4))).toBe(0);
    expect(lookup(2, at(5, 12))).toBe(1);
    expect(lookup(3, at(5, 12))).toBe(1);
    expect(lookup(1, at(5, 12))).toBe(0);
    expect(createDerateLookup([])(1, at(2))).toBe(0);
  });
});
