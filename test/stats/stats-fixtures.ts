import type pg from 'pg';
import type { Pool } from '@windmill/core/db/pool';
import { countingInsertedRows } from '@windmill/core/ingest/reading-count.repository';
import type { ComputeStatsOptions } from '@windmill/core/stats/compute-stats';

/**
 * Test data for the stats job, written with plain SQL the way the file loader writes it: readings
 * upserted on (turbine_id, ts), counting the rows inserted (reading-count.repository.ts) and, in
 * the same transaction, one stats_pending row per turbine with the time range loaded.
 */

export interface FixtureReading {
  turbine: number;
  /** ISO 8601 instant, e.g. '2022-03-01T00:00:00Z'. */
  ts: string;
  power: number;
  imputed?: boolean;
}

export const DAILY: ComputeStatsOptions = { windowSeconds: 86_400, readingIntervalSeconds: 3600, sigma: 2, trigger: 'cli' };

/** Empties every table the stats job reads or writes, so each test starts from nothing. */
export async function resetData(pool: Pool): Promise<void> {
  await pool.query(
    'TRUNCATE reading, window_stat, anomaly, stats_run, stats_pending, rejected_row, ingested_file, turbine RESTART IDENTITY',
  );
}

/** Loads readings as one committed file would; returns the file id. */
export async function loadFile(pool: Pool, readings: FixtureReading[], options: { pending?: boolean } = {}): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const fileId = await writeFile(client, readings, options.pending ?? true);
    await client.query('COMMIT');
    return fileId;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

/** The statements of `loadFile` on a caller's client, for tests that keep the transaction open. */
export async function writeFile(db: pg.ClientBase, readings: FixtureReading[], pending = true): Promise<number> {
  const file = await db.query<{ id: number }>(
    `INSERT INTO ingested_file (path, status) VALUES ('/fixtures/' || gen_random_uuid() || '.csv', 'done') RETURNING id`,
  );
  const fileId = file.rows[0]!.id;
  await db.query(`INSERT INTO turbine (id) SELECT DISTINCT unnest($1::int[]) ON CONFLICT DO NOTHING`, [readings.map((r) => r.turbine)]);
  await db.query(
    countingInsertedRows(
      `INSERT INTO reading (turbine_id, ts, power_output, power_imputed, file_id)
       SELECT t, ts, p, i, $5::int FROM unnest($1::int[], $2::timestamptz[], $3::float8[], $4::boolean[]) AS u(t, ts, p, i)
       ON CONFLICT (turbine_id, ts) DO UPDATE
         SET power_output = excluded.power_output, power_imputed = excluded.power_imputed, file_id = excluded.file_id
       RETURNING turbine_id, xmax = 0 AS inserted`,
      '$5',
    ),
    [
      readings.map((r) => r.turbine),
      readings.map((r) => r.ts),
      readings.map((r) => r.power),
      readings.map((r) => r.imputed ?? false),
      fileId,
    ],
  );
  if (pending) {
    await db.query(
      `INSERT INTO stats_pending (turbine_id, ts_min, ts_max, file_id)
       SELECT t, min(ts), max(ts), $3::int FROM unnest($1::int[], $2::timestamptz[]) AS u(t, ts) GROUP BY t`,
      [readings.map((r) => r.turbine), readings.map((r) => r.ts), fileId],
    );
  }
  return fileId;
}

/** Hourly readings of one turbine from `start`, one per given power value. */
export function hourly(turbine: number, start: string, powers: number[]): FixtureReading[] {
  const t0 = Date.parse(start);
  return powers.map((power, i) => ({ turbine, ts: new Date(t0 + i * 3_600_000).toISOString(), power }));
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
