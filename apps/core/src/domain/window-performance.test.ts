import { buildPowerCurve } from '@windmill/core/domain/power-curve';
import type { CurveReading } from '@windmill/core/domain/power-curve-bins';
import { assessWindow, isJudged, isUnderperforming, ratedEnergy, type WindowPerformance } from '@windmill/core/domain/window-performance';

const measured = (windSpeed: number | null, power: number): CurveReading => ({
  windSpeed,
  power,
  windSpeedImputed: false,
  powerImputed: false,
});
const many = (count: number, windSpeed: number, power: number) => Array.from({ length: count }, () => measured(windSpeed, power));

// Usable bins: 2 m/s -> 0 MW, 6 m/s -> 1 MW, 8 m/s -> 2 MW (5 m/s to 8.25 m/s and 1.75-2.25 m/s covered).
const curve = buildPowerCurve([...many(3, 2, 0), ...many(3, 6, 1), ...many(3, 8, 2)], { binWidth: 0.5, minBinCount: 3 });
const HOURLY = 3600;

describe('assessWindow', () => {
  it('gives energies in MWh, the lost energy and the ratio over the readings with an expected value', () => {
    const result = assessWindow([measured(6, 0.8), measured(7, 1.2), measured(8, 2)], curve, HOURLY);
    expect(result).toEqual({
      readings: 3,
      readingsUsed: 3,
      energyMWh: expect.closeTo(4, 12),
      usedEnergyMWh: expect.closeTo(4, 12),
      expectedEnergyMWh: expect.closeTo(4.5, 12),
      lostEnergyMWh: expect.closeTo(0.5, 12),
      performanceRatio: expect.closeTo(4 / 4.5, 12),
    });
  });

  it('weights each reading by the reading interval', () => {
    const result = assessWindow([measured(8, 1.5)], curve, 600);
    expect(result.energyMWh).toBeCloseTo(0.25, 12);
    expect(result.expectedEnergyMWh).toBeCloseTo(2 / 6, 12);
  });

  it('counts readings with wind outside the curve, no wind or imputed fields, but does not judge them', () => {
    const result = assessWindow(
      [measured(8, 1), measured(20, 3), measured(0.5, 0), measured(null, 1), { ...measured(8, 0), powerImputed: true }],
      curve,
      HOURLY,
    );
    expect(result).toMatchObject({ readings: 5, readingsUsed: 1, energyMWh: 5, usedEnergyMWh: 1, expectedEnergyMWh: 2, lostEnergyMWh: 1 });
    expect(result.performanceRatio).toBe(0.5);
  });

  it('keeps lost energy negative for a turbine above the curve', () => {
    const result = assessWindow([measured(8, 2.4), measured(6, 1.2)], curve, HOURLY);
    expect(result.lostEnergyMWh).toBeCloseTo(-0.6, 12);
    expect(result.performanceRatio).toBeCloseTo(1.2, 12);
  });

  it('has a null ratio when the expected energy is 0 (wind below cut-in) or nothing is used', () => {
    const calm = assessWindow([measured(2, 0), measured(1.8, 0.1)], curve, HOURLY);
    expect(calm).toMatchObject({ readingsUsed: 2, expectedEnergyMWh: 0, performanceRatio: null });
    expect(calm.lostEnergyMWh).toBeCloseTo(-0.1, 12);
    const imputed = assessWindow(
      many(4, 8, 1).map((r) => ({ ...r, windSpeedImputed: true })),
      curve,
      HOURLY,
    );
    expect(imputed).toEqual({
      readings: 4,
      readingsUsed: 0,
      energyMWh: 4,
      usedEnergyMWh: 0,
      expectedEnergyMWh: 0,
      lostEnergyMWh: 0,
      performanceRatio: null,
    });
    expect(assessWindow([], curve, HOURLY)).toMatchObject({ readings: 0, readingsUsed: 0, performanceRatio: null });
  });

  it('judges nothing against an empty curve (no reference yet)', () => {
    const result = assessWindow(many(24, 8, 2), buildPowerCurve([], { binWidth: 0.5, minBinCount: 3 }), HOURLY);
    expect(result).toMatchObject({ readings: 24, readingsUsed: 0, energyMWh: 48, expectedEnergyMWh: 0, performanceRatio: null });
  });
});

describe('isUnderperforming and isJudged', () => {
  /** A window expecting `expected` MWh, with the given ratio and readings used. */
  const window = (performanceRatio: number | null, readingsUsed: number, expected = 50): WindowPerformance => ({
    readings: 24,
    readingsUsed,
    energyMWh: 0,
    usedEnergyMWh: performanceRatio === null ? 0 : performanceRatio * expected,
    expectedEnergyMWh: performanceRatio === null ? 0 : expected,
    lostEnergyMWh: 0,
    performanceRatio,
  });
  const rule = { threshold: 0.1, expectedCount: 24, minExpectedShare: 0.05 };
  /** 4.5 MW for 24 h. */
  const RATED = 108;

  it('flags a ratio strictly below 1 - threshold', () => {
    expect(isUnderperforming(window(0.75, 24), rule, RATED)).toBe(true);
    expect(isUnderperforming(window(0.8999, 24), rule, RATED)).toBe(true);
    expect(isUnderperforming(window(0.9, 24), rule, RATED)).toBe(false);
    expect(isUnderperforming(window(1.3, 24), rule, RATED)).toBe(false);
  });

  it('needs at least half of the expected readings used', () => {
    expect(isUnderperforming(window(0.5, 12), rule, RATED)).toBe(true);
    expect(isUnderperforming(window(0.5, 11), rule, RATED)).toBe(false);
    expect(isUnderperforming(window(0.5, 3), { ...rule, expectedCount: 5 }, RATED)).toBe(true);
    expect(isUnderperforming(window(0.5, 2), { ...rule, expectedCount: 5 }, RATED)).toBe(false);
    expect(isJudged(window(0.5, 11), rule, RATED)).toBe(false);
  });

  it('never flags a null ratio', () => {
    expect(isUnderperforming(window(null, 24), rule, RATED)).toBe(false);
    expect(isJudged(window(null, 24), rule, RATED)).toBe(false);
  });

  it('judges only windows expecting at least the minimum share of the rated energy (calm days are not judged)', () => {
    // 5 % of 108 MWh is 5.4 MWh: at the bound the window is judged, just below it not.
    expect(isJudged(window(0.5, 24, 5.4), rule, RATED)).toBe(true);
    expect(isUnderperforming(window(0.5, 24, 5.4), rule, RATED)).toBe(true);
    expect(isJudged(window(0.5, 24, 5.39), rule, RATED)).toBe(false);
    expect(isUnderperforming(window(0.5, 24, 5.39), rule, RATED)).toBe(false);
    // A share of 0 turns the guard off; 1 judges only windows expecting the full rated energy.
    expect(isUnderperforming(window(0.5, 24, 0.01), { ...rule, minExpectedShare: 0 }, RATED)).toBe(true);
    expect(isJudged(window(0.95, 24, 107), { ...rule, minExpectedShare: 1 }, RATED)).toBe(false);
    // No usable bin, no rated energy: nothing is judged.
    expect(isJudged(window(0.5, 24), rule, null)).toBe(false);
  });

  it('takes the rated energy as the rated power over the window', () => {
    expect(ratedEnergy(4.5, 86_400)).toBe(108);
    expect(ratedEnergy(4.5, 6 * 3600)).toBe(27);
    expect(ratedEnergy(null, 86_400)).toBeNull();
  });
});
