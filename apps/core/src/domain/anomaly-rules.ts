/**
 * The statistics windows and the anomaly rules, in one place. The stats job evaluates
 * them in SQL next to the data (stats/anomaly-rules.sql.ts renders these same definitions); the
 * functions here are their executable statement, used by tests and by anything that needs the
 * rule outside the database.
 */

/**
 * Start of the half-open window `[start, start + windowSeconds)` that holds `epochMs`. Windows are
 * aligned to multiples of `windowSeconds` since the Unix epoch, so 86400 gives UTC calendar days.
 * Instants before 1970 floor towards minus infinity, like the SQL side.
 */
export function windowStartMs(epochMs: number, windowSeconds: number): number {
  const windowMs = windowSeconds * 1000;
  return Math.floor(epochMs / windowMs) * windowMs;
}

/** The reading rule needs at least this many readings in the turbine-window. */
export const READING_RULE_MIN_COUNT = 3;
/** The fleet rule needs at least this many turbines with data in the window. */
export const FLEET_RULE_MIN_TURBINES = 3;

export interface SampleStats {
  count: number;
  mean: number;
  /** Sample standard deviation (n − 1); null for fewer than two values. */
  stddev: number | null;
}

/** Count, mean and sample standard deviation; an empty list has mean NaN. */
export function sampleStats(values: readonly number[]): SampleStats {
  const count = values.length;
  const mean = values.reduce((sum, v) => sum + v, 0) / count;
  if (count < 2) return { count, mean, stddev: null };
  const squares = values.reduce((sum, v) => sum + (v - mean) ** 2, 0);
  return { count, mean, stddev: Math.sqrt(squares / (count - 1)) };
}

/**
 * True when `value` lies strictly outside `mean ± k·stddev`: a value exactly on a bound is not
 * flagged. (The SQL decides values within a hair of a bound in exact decimal arithmetic, so a
 * bound that is exact in decimal, such as 0.83 + 1.5·0.58 = 1.7, is honoured exactly.)
 */
export function isOutsideBand(value: number, mean: number, stddev: number, k: number): boolean {
  return value > mean + k * stddev || value < mean - k * stddev;
}

/**
 * The reading rule applies to a turbine-window with at least READING_RULE_MIN_COUNT readings and
 * a positive standard deviation: with fewer, or with every reading equal, nothing is flagged.
 */
export function readingRuleApplies(window: SampleStats): window is SampleStats & { stddev: number } {
  return window.count >= READING_RULE_MIN_COUNT && window.stddev !== null && window.stddev > 0;
}

/** The readings of one turbine-window flagged by the reading rule (anomaly kind `reading`). */
export function readingAnomalies<T extends { power: number }>(readings: readonly T[], k: number): T[] {
  const window = sampleStats(readings.map((r) => r.power));
  if (!readingRuleApplies(window)) return [];
  return readings.filter((r) => isOutsideBand(r.power, window.mean, window.stddev, k));
}

/**
 * The fleet's band for one window: μ and the sample σ over the window means of every turbine with
 * data. The rule applies with at least FLEET_RULE_MIN_TURBINES turbines and σ > 0.
 */
export function fleetBand(windowMeans: readonly number[]): SampleStats & { applies: boolean } {
  const stats = sampleStats(windowMeans);
  return { ...stats, applies: stats.count >= FLEET_RULE_MIN_TURBINES && stats.stddev !== null && stats.stddev > 0 };
}

/** The turbines (by index into `windowMeans`) flagged by the fleet rule (anomaly kind `turbine`). */
export function fleetOutliers(windowMeans: readonly number[], k: number): number[] {
  const band = fleetBand(windowMeans);
  if (!band.applies) return [];
  return windowMeans.flatMap((mean, i) => (isOutsideBand(mean, band.mean, band.stddev!, k) ? [i] : []));
}

/**
 * How close to a bound a value must be for the SQL to decide it in exact decimal arithmetic
 * instead of double precision: relative to the bound, far above the rounding of an aggregate
 * (about 1e-15) and far below any meaningful difference between readings.
 */
export const EXACT_DECISION_MARGIN = 1e-9;
