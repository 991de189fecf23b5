import type { CleaningSettings } from '../ingest/clean-records.js';
import type { ComputeStatsOptions, StatsTrigger } from '../stats/compute-stats.js';
import type { Config } from './config.js';

/** The cleaning rules' parameters, taken from the configuration. */
export function cleaningSettingsFrom(config: Config): CleaningSettings {
  return {
    timeZone: config.SOURCE_TIMEZONE,
    bounds: { windSpeedMax: config.WIND_SPEED_MAX, powerMin: config.POWER_MIN, powerMax: config.POWER_MAX },
    maxGapSeconds: config.IMPUTE_MAX_GAP_SECONDS,
  };
}

/** The stats run's parameters, taken from the configuration. */
export function statsOptionsFrom(config: Config, trigger: StatsTrigger): Omit<ComputeStatsOptions, 'logger'> {
  return {
    windowSeconds: config.WINDOW_SECONDS,
    readingIntervalSeconds: config.READING_INTERVAL_SECONDS,
    sigma: config.ANOMALY_SIGMA,
    retainReadingsDays: config.RETAIN_READINGS_DAYS,
    trigger,
  };
}
