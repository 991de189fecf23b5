import type { Pool } from '@windmill/core/db/pool';
import type { ComputeStatsOptions } from '@windmill/core/stats/compute-stats';
import type { SeedReading } from '../helpers/readings.js';

/**
 * Test data for the stats job. Readings are written with the kit's `seedReadings` (test/helpers/
 * readings.ts), the way the file loader writes them; tables are emptied with `resetTables`.
 */

/** A reading named by an ISO 8601 instant, e.g. '2022-03-01T00:00:00Z'. */
export type FixtureReading = SeedReading & { ts: string };

export const DAILY: ComputeStatsOptions = { windowSeconds: 86_400, readingIntervalSeconds: 3600, sigma: 2, trigger: 'cli' };

/** Hourly readings of one turbine from `start`, one per given power value. */
export function hourly(turbine: number, start: string, powers: number[]): FixtureReading[] {
  const t0 = Date.parse(start);
  return powers.map((power, i) => ({ turbineId: turbine, ts: new Date(t0 + i * 3_600_000).toISOString(), power }));
}

export interface StoredWindowStat {
  turbineId: number;
  windowStart: string;
  windowSeconds: number;
  count: number;
  min: number;
  max: number;
  mean: number;
  stddev: number | null;
  imputedCount: number;
  expectedCount: number;
  computedAt: Date;
  runId: number;
}

export async function readWindowStats(pool: Pool): Promise<StoredWindowStat[]> {
  const { rows } = await pool.query<StoredWindowStat>(
    `SELECT turbine_id AS "turbineId", to_char(window_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "windowStart",
            window_seconds AS "windowSeconds", count, min, max, mean, stddev, imputed_count AS "imputedCount",
            expected_count AS "expectedCount", computed_at AS "computedAt", run_id AS "runId"
       FROM window_stat ORDER BY window_seconds, turbine_id, window_start`,
  );
  return rows;
}

export interface StoredAnomaly {
  kind: 'reading' | 'turbine';
  turbineId: number;
  windowStart: string;
  windowSeconds: number;
  ts: string | null;
  value: number;
  mean: number;
  stddev: number;
  deviation: number;
  sigma: number;
  runId: number;
}

export async function readAnomalies(pool: Pool, kind: 'reading' | 'turbine'): Promise<StoredAnomaly[]> {
  const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;
  const { rows } = await pool.query<StoredAnomaly>(
    `SELECT kind, turbine_id AS "turbineId", ${iso('window_start')} AS "windowStart", window_seconds AS "windowSeconds",
            ${iso('ts')} AS ts, value, mean, stddev, deviation, sigma, run_id AS "runId"
       FROM anomaly WHERE kind = $1::anomaly_kind ORDER BY window_start, turbine_id, ts`,
    [kind],
  );
  return rows;
}

/** Sample mean and standard deviation (n - 1), computed the schoolbook way. */
export function sampleStats(values: number[]): { mean: number; sd: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const squares = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  return { mean, sd: Math.sqrt(squares / (values.length - 1)) };
}
