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

/** UNDERPERFORMANCE_THRESHOLD and the window's expected reading count (SPEC §4 `expected_count`). */
export interface UnderperformanceRule {
  /** Fraction in [0, 1) (default 0.1): flagged below a ratio of 1 − threshold. */
  threshold: number;
  /** WINDOW_SECONDS / READING_INTERVAL_SECONDS. */
  expectedCount: number;
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
 * The `underperformance` rule: the ratio is below 1 − threshold (strictly) and at least half of
 * the window's expected readings were used (readingsUsed · 2 >= expectedCount), so a window
 * judged on a few readings, or by a curve that covers little of its wind, is never flagged.
 * A null ratio (nothing used, or nothing expected) is never flagged.
 */
export function isUnderperforming(performance: WindowPerformance, rule: UnderperformanceRule): boolean {
  const { performanceRatio, readingsUsed } = performance;
  return performanceRatio !== null && performanceRatio < 1 - rule.threshold && readingsUsed * 2 >= rule.expectedCount;
}
