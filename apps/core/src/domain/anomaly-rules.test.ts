import {
  fleetBand,
  fleetOutliers,
  readingAnomalies,
  readingRuleApplies,
  sampleStats,
  windowStartMs,
} from '@windmill/core/domain/anomaly-rules';

describe('windowStartMs', () => {
  it('puts a reading exactly on a boundary into the window that starts there', () => {
    const day = Date.UTC(2022, 2, 2);
    expect(windowStartMs(day, 86_400)).toBe(day);
    expect(windowStartMs(day - 1, 86_400)).toBe(Date.UTC(2022, 2, 1));
  });
  it('aligns 6-hour windows to the epoch', () => {
    expect(windowStartMs(Date.UTC(2022, 2, 1, 13, 59, 59), 21_600)).toBe(Date.UTC(2022, 2, 1, 12));
  });
});

describe('the reading rule', () => {
  const at = (powers: number[]) => powers.map((power, i) => ({ i, power }));

  it('flags strictly outside mean ± k·stddev, not exactly on a bound', () => {
    // mean 1, sample stddev 2: 4 sits exactly on mean + 1.5·stddev.
    expect(sampleStats([0, 0, 0, 4])).toEqual({ count: 4, mean: 1, stddev: 2 });
    expect(readingAnomalies(at([0, 0, 0, 4]), 1.5)).toEqual([]);
    expect(readingAnomalies(at([0, 0, 0, 4]), 1.49)).toEqual([{ i: 3, power: 4 }]);
    // and below: mean 3, stddev 2, 0 on mean − 1.5·stddev
    expect(readingAnomalies(at([4, 4, 4, 0]), 1.5)).toEqual([]);
    expect(readingAnomalies(at([4, 4, 4, 0]), 1.4)).toEqual([{ i: 3, power: 0 }]);
  });

  it('needs at least 3 readings and a positive stddev', () => {
    expect(readingRuleApplies(sampleStats([0, 10]))).toBe(false);
    expect(readingAnomalies(at([0, 10]), 0.5)).toEqual([]);
    expect(readingRuleApplies(sampleStats([3, 3, 3, 3]))).toBe(false);
    expect(readingRuleApplies(sampleStats([3, 3, 4]))).toBe(true);
    expect(sampleStats([5])).toEqual({ count: 1, mean: 5, stddev: null });
  });
});

describe('the fleet rule', () => {
  it('flags a turbine whose window mean is strictly outside μ ± k·σ of all turbines’ means', () => {
    const means = [3, 3, 3, 3, 3, 3, 3, 3, 3, 6];
    const band = fleetBand(means);
    expect(band.applies).toBe(true);
    expect(fleetOutliers(means, 2)).toEqual([9]);
    expect(fleetOutliers(means, 3)).toEqual([]);
  });

  it('needs at least 3 turbines and σ > 0', () => {
    expect(fleetBand([1, 9]).applies).toBe(false);
    expect(fleetOutliers([1, 9], 0.1)).toEqual([]);
    expect(fleetBand([2, 2, 2]).applies).toBe(false);
    expect(fleetBand([2, 2, 3]).applies).toBe(true);
  });

  it('keeps a mean exactly on the bound: 4 turbines at 0, 0, 0, 4 with k = 1.5', () => {
    expect(fleetOutliers([0, 0, 0, 4], 1.5)).toEqual([]);
    expect(fleetOutliers([0, 0, 0, 4], 1.49)).toEqual([3]);
  });
});
