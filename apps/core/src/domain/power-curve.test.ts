import { buildPowerCurve, curveFromTallies, expectedPower, ratedPower, type PowerCurve } from '@windmill/core/domain/power-curve';
import type { CurveReading } from '@windmill/core/domain/power-curve-bins';

const SETTINGS = { binWidth: 0.5, minBinCount: 3 };
const measured = (windSpeed: number, power: number): CurveReading => ({ windSpeed, power, windSpeedImputed: false, powerImputed: false });
/** `count` measured readings at `windSpeed`, all with `power`. */
const many = (count: number, windSpeed: number, power: number): CurveReading[] =>
  Array.from({ length: count }, () => measured(windSpeed, power));

/** A curve with usable bins at the given centres and means (count 3 each). */
function curveOf(points: Array<[number, number]>): PowerCurve {
  return buildPowerCurve(
    points.flatMap(([v, p]) => many(3, v, p)),
    SETTINGS,
  );
}

describe('buildPowerCurve', () => {
  it('gives count, mean and sample stddev per bin, and marks thin bins unusable', () => {
    const curve = buildPowerCurve([measured(5.9, 1), measured(6.0, 2), measured(6.1, 3), measured(7.0, 1), measured(6.9, 1)], SETTINGS);
    expect(curve.bins).toEqual([
      { bin: 12, centre: 6, count: 3, mean: 2, stddev: expect.closeTo(1, 12), usable: true },
      { bin: 14, centre: 7, count: 2, mean: 1, stddev: 0, usable: false },
    ]);
    expect(curve.usable.map((b) => b.centre)).toEqual([6]);
  });

  it('leaves stddev null for a single reading', () => {
    const curve = buildPowerCurve([measured(6, 2)], { binWidth: 0.5, minBinCount: 1 });
    expect(curve.bins[0]).toMatchObject({ count: 1, mean: 2, stddev: null, usable: true });
  });

  it('ignores imputed readings: all imputed gives an empty curve', () => {
    const imputed = many(10, 6, 2).map((r, i) => ({ ...r, powerImputed: i % 2 === 0, windSpeedImputed: i % 2 === 1 }));
    const curve = buildPowerCurve(imputed, SETTINGS);
    expect(curve.bins).toEqual([]);
    expect(expectedPower(curve, 6)).toBeNull();
  });

  it('never gives a negative variance from rounding', () => {
    const curve = curveFromTallies([{ bin: 20, count: 3, sum: 0.3, sumSquares: 0.03 }], SETTINGS);
    expect(curve.bins[0]!.stddev).toBe(0);
  });
});

describe('expectedPower', () => {
  const curve = curveOf([
    [5, 1],
    [5.5, 2],
    [7, 5],
  ]);

  it('is the bin mean at a usable centre and interpolates linearly between neighbours', () => {
    expect(expectedPower(curve, 5)).toBe(1);
    expect(expectedPower(curve, 5.5)).toBe(2);
    expect(expectedPower(curve, 5.2)).toBeCloseTo(1.4, 12);
  });

  it('bridges empty and unusable bins between two usable ones', () => {
    // 6.0 and 6.5 are empty: the line runs from (5.5, 2) to (7, 5).
    expect(expectedPower(curve, 6)).toBeCloseTo(3, 12);
    const withThinBin = buildPowerCurve([...many(3, 5, 1), measured(5.5, 100), ...many(3, 6, 3)], SETTINGS);
    expect(withThinBin.bins.map((b) => b.usable)).toEqual([true, false, true]);
    expect(expectedPower(withThinBin, 5.5)).toBeCloseTo(2, 12);
  });

  it('holds the outermost usable means out to their bins outer edges, and no further', () => {
    expect(expectedPower(curve, 4.8)).toBe(1);
    expect(expectedPower(curve, 4.75)).toBe(1);
    expect(expectedPower(curve, 4.7)).toBeNull();
    expect(expectedPower(curve, 7.2)).toBe(5);
    expect(expectedPower(curve, 7.2499)).toBe(5);
    expect(expectedPower(curve, 7.25)).toBeNull();
    expect(expectedPower(curve, 0)).toBeNull();
    expect(expectedPower(curve, 30)).toBeNull();
  });

  it('has nothing to say without a wind speed or without usable bins', () => {
    expect(expectedPower(curve, null)).toBeNull();
    expect(expectedPower(buildPowerCurve([], SETTINGS), 6)).toBeNull();
    expect(expectedPower(buildPowerCurve(many(2, 6, 1), SETTINGS), 6)).toBeNull();
  });

  it('works with a single usable bin', () => {
    const single = curveOf([[8, 2.5]]);
    expect(expectedPower(single, 7.8)).toBe(2.5);
    expect(expectedPower(single, 8.2)).toBe(2.5);
    expect(expectedPower(single, 8.3)).toBeNull();
  });
});

describe('ratedPower', () => {
  it('is the highest mean of a usable bin, wherever it sits on the curve', () => {
    // Past cut-out power may fall again: the highest usable mean counts, not the last one.
    expect(
      ratedPower(
        curveOf([
          [5, 1],
          [12, 4.5],
          [13, 4.4],
        ]),
      ),
    ).toBe(4.5);
    // A thin bin above it does not count.
    const withThin = buildPowerCurve([...many(3, 12, 4.2), ...many(2, 13, 9)], SETTINGS);
    expect(ratedPower(withThin)).toBe(4.2);
  });

  it('is null without a usable bin', () => {
    expect(ratedPower(buildPowerCurve(many(2, 12, 4), SETTINGS))).toBeNull();
    expect(ratedPower(buildPowerCurve([], SETTINGS))).toBeNull();
  });
});
