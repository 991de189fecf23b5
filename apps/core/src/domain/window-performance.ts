import { isMeasured, type CurveReading } from './power-curve-bins.js';
import { expectedPower, type PowerCurve } from './power-curve.js';

/**
 * One turbine's energy in one window against the reference curve. Power is in MW, the reading
 * interval in seconds, energy in MWh: each reading stands for `readingIntervalSeconds` of
 * production at its power.
 */

export interface WindowPerformance {
  /** Readings of the turbine in the window, imputed ones included. */
  readings: number;
  /** Readings judged: wind speed and power measured, and an expected value from the curve. */
  readingsUsed: number;
  /** Energy of all the window's readings (imputed included, like the window's mean), MWh. */
  energyMWh: number;
  /** Energy of the readings used, MWh: what `expectedEnergyMWh` is compared with. */
  usedEnergyMWh: number;
  /** Expected power × interval over the readings used, MWh; 0 when none is used. */
  expectedEnergyMWh: number;
  /**
   * expectedEnergyMWh − usedEnergyMWh. Negative when the turbine beat the curve: it is kept
   * signed (not clamped at 0) so that losses and gains over a period add up honestly.
   */
  lostEnergyMWh: number;
  /** usedEnergyMWh / expectedEnergyMWh; null when nothing is used or the expected energy is 0. */
  performanceRatio: number | null;
}

/** The settings of the `underperformance` rule and the window's expected reading count. */
export interface UnderperformanceRule {
  /** UNDERPERFORMANCE_THRESHOLD, a fraction in [0, 1) (default 0.1): flagged below a ratio of 1 − threshold. */
  threshold: number;
  /** WINDOW_SECONDS / READING_INTERVAL_SECONDS (`expected_count`). */
  expectedCount: number;
  /**
   * UNDERPERFORMANCE_MIN_EXPECTED_SHARE, in [0, 1] (default 0.05): a window is judged only when its
   * expected energy is at least this share of the fleet's rated energy for the window.
   */
  minExpectedShare: number;
}

/**
 * The fleet's rated energy for a window of `windowSeconds`: `ratedPowerMW` (see `ratedPower`) ×
 * the window's hours, MWh; null when the curve has no usable bin.
 */
export function ratedEnergy(ratedPowerMW: number | null, windowSeconds: number): number | null {
  return ratedPowerMW === null ? null : ratedPowerMW * (windowSeconds / 3600);
}

/**
 * The performance of one turbine-window: `readings` are that turbine's readings in the window,
 * `curve` the window's reference curve (see `referencePeriod`). A reading is used when it is
 * measured (`isMeasured`) and the curve gives it an expected power (`expectedPower`); the
 * others count in `readings` and `energyMWh` only. No readings, all imputed, wind outside the
 * curve or an empty curve give readingsUsed 0, zero used energies and a null ratio. Readings
 * whose expected power is 0 (below cut-in) are used: they add to neither energy, and a window
 * of only those has expected energy 0 and a null ratio.
 */
export function assessWindow(readings: Iterable<CurveReading>, curve: PowerCurve, readingIntervalSeconds: number): WindowPerformance {
  const hours = readingIntervalSeconds / 3600;
  let count = 0;
  let used = 0;
  let powerSum = 0;
  let usedPowerSum = 0;
  let expectedPowerSum = 0;
  for (const reading of readings) {
    count += 1;
    powerSum += reading.power;
    if (!isMeasured(reading)) continue;
    const expected = expectedPower(curve, reading.windSpeed);
    if (expected === null) continue;
    used += 1;
    usedPowerSum += reading.power;
    expectedPowerSum += expected;
  }
  const usedEnergyMWh = usedPowerSum * hours;
  const expectedEnergyMWh = expectedPowerSum * hours;
  return {
    readings: count,
    readingsUsed: used,
    energyMWh: powerSum * hours,
    usedEnergyMWh,
    expectedEnergyMWh,
    lostEnergyMWh: expectedEnergyMWh - usedEnergyMWh,
    performanceRatio: expectedEnergyMWh > 0 ? usedEnergyMWh / expectedEnergyMWh : null,
  };
}

/**
 * Whether the `underperformance` rule judges the window at all:
 * - it has a ratio (some expected energy);
 * - at least half of its expected readings were used (readingsUsed · 2 >= expectedCount), so a
 *   window judged on a few readings, or by a curve that covers little of its wind, is not judged;
 * - its expected energy is at least `minExpectedShare` of `ratedEnergyMWh` (see `ratedEnergy`):
 *   on a calm day a healthy turbine's ratio is too noisy to judge. Exports round power to 0.1 MW,
 *   so a window expecting under 5 % of its rated energy has a ratio sd of ~3.5 % (1 % on ordinary
 *   days) and a 10 % shortfall happens by chance (4 of ~47 000 healthy generated windows, all
 *   expecting at most 5.6 of a possible 108 MWh). A null rated energy (no usable bin) judges nothing.
 */
export function isJudged(performance: WindowPerformance, rule: UnderperformanceRule, ratedEnergyMWh: number | null): boolean {
  const { performanceRatio, readingsUsed, expectedEnergyMWh } = performance;
  return (
    performanceRatio !== null &&
    readingsUsed * 2 >= rule.expectedCount &&
    ratedEnergyMWh !== null &&
    expectedEnergyMWh >= rule.minExpectedShare * ratedEnergyMWh
  );
}

/**
 * The `underperformance` rule: a judged window (`isJudged`) whose ratio is strictly below
 * 1 − threshold. A null ratio (nothing used, or nothing expected) is never flagged.
 */
export function isUnderperforming(performance: WindowPerformance, rule: UnderperformanceRule, ratedEnergyMWh: number | null): boolean {
  return isJudged(performance, rule, ratedEnergyMWh) && performance.performanceRatio! < 1 - rule.threshold;
}
