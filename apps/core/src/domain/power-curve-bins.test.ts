import { binCentre, isMeasured, mergeTallies, tallyBins, windBin, type CurveReading } from '@windmill/core/domain/power-curve-bins';

const measured = (windSpeed: number | null, power: number): CurveReading => ({
  windSpeed,
  power,
  windSpeedImputed: false,
  powerImputed: false,
});

describe('windBin', () => {
  it('centres bins on multiples of the width', () => {
    expect(windBin(0, 0.5)).toBe(0);
    expect(windBin(0.2, 0.5)).toBe(0);
    expect(windBin(7.9, 0.5)).toBe(16);
    expect(windBin(8.2, 0.5)).toBe(16);
    expect(binCentre(16, 0.5)).toBe(8);
    expect(windBin(8.4, 1)).toBe(8);
  });

  it('puts a speed exactly half-way between two centres into the upper bin', () => {
    expect(windBin(0.25, 0.5)).toBe(1);
    expect(windBin(0.2499999, 0.5)).toBe(0);
    expect(windBin(7.75, 0.5)).toBe(16);
    expect(windBin(8.25, 0.5)).toBe(17);
    expect(windBin(2.5, 1)).toBe(3);
  });
});

describe('isMeasured', () => {
  it('needs a wind speed and neither field imputed', () => {
    expect(isMeasured(measured(5, 1))).toBe(true);
    expect(isMeasured(measured(null, 1))).toBe(false);
    expect(isMeasured({ ...measured(5, 1), windSpeedImputed: true })).toBe(false);
    expect(isMeasured({ ...measured(5, 1), powerImputed: true })).toBe(false);
  });
});

describe('tallyBins', () => {
  it('sums power per bin over measured readings only, ordered by bin', () => {
    const tallies = tallyBins(
      [
        measured(8.1, 1),
        measured(3.0, 0.5),
        measured(7.8, 2),
        measured(null, 9),
        { ...measured(8, 9), powerImputed: true },
        { ...measured(8, 9), windSpeedImputed: true },
      ],
      0.5,
    );
    expect(tallies).toEqual([
      { bin: 6, count: 1, sum: 0.5, sumSquares: 0.25 },
      { bin: 16, count: 2, sum: 3, sumSquares: 5 },
    ]);
  });

  it('gives no bins for no readings or only imputed ones', () => {
    expect(tallyBins([], 0.5)).toEqual([]);
    expect(tallyBins([{ ...measured(8, 1), powerImputed: true }], 0.5)).toEqual([]);
  });
});

describe('mergeTallies', () => {
  it('adds the tallies of each bin across lists', () => {
    const day1 = [
      { bin: 2, count: 1, sum: 1, sumSquares: 1 },
      { bin: 4, count: 2, sum: 3, sumSquares: 5 },
    ];
    const day2 = [
      { bin: 4, count: 1, sum: 2, sumSquares: 4 },
      { bin: 1, count: 3, sum: 0, sumSquares: 0 },
    ];
    expect(mergeTallies([day1, day2, []])).toEqual([
      { bin: 1, count: 3, sum: 0, sumSquares: 0 },
      { bin: 2, count: 1, sum: 1, sumSquares: 1 },
      { bin: 4, count: 3, sum: 5, sumSquares: 9 },
    ]);
    // The inputs are left as they were.
    expect(day1[1]).toEqual({ bin: 4, count: 2, sum: 3, sumSquares: 5 });
  });
});
