import { jobTimeouts } from '../db/timeouts.js';
import type { CleaningSettings } from '../ingest/clean-records.js';
import type { ComputeStatsOptions, PowerCurveOptions, StatsTrigger } from '../stats/compute-stats.js';
import type { Config } from './config.js';

/** The cleaning rules' parameters, taken from the configuration. */
export function cleaningSettingsFrom(config: Config): CleaningSettings {
  return {
    timeZone: config.SOURCE_TIMEZONE,
    bounds: { windSpeedMax: config.WIND_SPEED_MAX, powerMin: config.POWER_MIN, powerMax: config.POWER_MAX },
    maxGapSeconds: config.IMPUTE_MAX_GAP_SECONDS,
  };
}

/** The power-curve settings of the stats job (and of GET /power-curve), taken from the configuration. */
export function powerCurveSettingsFrom(config: Config): PowerCurveOptions {
  return {
    binWidth: config.POWER_CURVE_BIN_WIDTH,
    minBinCount: config.POWER_CURVE_MIN_BIN_COUNT,
    referenceDays: config.POWER_CURVE_REFERENCE_DAYS,
    threshold: config.UNDERPERFORMANCE_THRESHOLD,
    minExpectedShare: config.UNDERPERFORMANCE_MIN_EXPECTED_SHARE,
  };
}

/** The stats run's parameters, taken from the configuration. */
export function statsOptionsFrom(config: Config, trigger: StatsTrigger): Omit<ComputeStatsOptions, 'logger'> {
  return {
    windowSeconds: config.WINDOW_SECONDS,
    readingIntervalSeconds: config.READING_INTERVAL_SECONDS,
    sigma: config.ANOMALY_SIGMA,
    powerCurve: powerCurveSettingsFrom(config),
    retainReadingsDays: config.RETAIN_READINGS_DAYS,
    timeouts: jobTimeouts(config.JOB_STATEMENT_TIMEOUT_SECONDS),
    trigger,
  };
}
