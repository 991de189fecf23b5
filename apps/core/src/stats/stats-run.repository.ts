import type { Pool, PoolClient, Queryable } from '../db/pool.js';
import type { StatsJob } from '../platform/queues.js';

export type StatsTrigger = StatsJob['trigger'];

/** The power-curve settings a run used (see ComputeStatsOptions.powerCurve). */
export interface PowerCurveSettings {
  binWidth: number;
  minBinCount: number;
  referenceDays: number;
  threshold: number;
  minExpectedShare: number;
}

export interface RunSettings {
  windowSeconds: number;
  sigma: number;
  powerCurve: PowerCurveSettings;
}

/** A done run's settings; `powerCurve` is null for runs from before the power curve existed. */
export interface RecordedRunSettings {
  windowSeconds: number;
  sigma: number;
  powerCurve: PowerCurveSettings | null;
}

export interface RunCounts {
  windowsComputed: number;
  anomaliesReading: number;
  anomaliesTurbine: number;
  anomaliesUnderperformance: number;
  powerCurveDays: number;
  powerCurveWindows: number;
}

/** Settings of the last run that completed, or null before the first one. */
export async function findLastDoneRun(db: Queryable): Promise<RecordedRunSettings | null> {
  const { rows } = await db.query<{
    window_seconds: number;
    sigma: number;
    bin_width: number | null;
    min_bin_count: number | null;
    reference_days: number | null;
    underperformance_threshold: number | null;
    min_expected_share: number | null;
  }>(
    `SELECT window_seconds, sigma, bin_width, min_bin_count, reference_days, underperformance_threshold, min_expected_share
       FROM stats_run WHERE status = 'done' ORDER BY id DESC LIMIT 1`,
  );
  const row = rows[0];
  if (!row) return null;
  const { bin_width, min_bin_count, reference_days, underperformance_threshold, min_expected_share } = row;
  const powerCurve =
    bin_width === null ||
    min_bin_count === null ||
    reference_days === null ||
    underperformance_threshold === null ||
    min_expected_share === null
      ? null
      : {
          binWidth: bin_width,
          minBinCount: min_bin_count,
          referenceDays: reference_days,
          threshold: underperformance_threshold,
          minExpectedShare: min_expected_share,
        };
  return { windowSeconds: row.window_seconds, sigma: row.sigma, powerCurve };
}

/**
 * Opens the run's ledger row inside the run's transaction, so its id can stamp every row the run
 * writes while a crash leaves no trace. `started_at` is the moment the run holds the lock (the
 * clock, not the transaction's start: a run that began waiting earlier did not run earlier).
 */
export async function insertRunningRun(
  client: PoolClient,
  settings: RunSettings & { full: boolean; trigger: StatsTrigger },
): Promise<number> {
  const { rows } = await client.query<{ id: number }>(
    `INSERT INTO stats_run (started_at, status, window_seconds, sigma, "full", trigger,
                           bin_width, min_bin_count, reference_days, underperformance_threshold, min_expected_share)
     VALUES (clock_timestamp(), 'running', $1::int, $2::float8, $3::boolean, $4::text, $5::float8, $6::int, $7::int, $8::float8, $9::float8)
     RETURNING id`,
    [settings.windowSeconds, settings.sigma, settings.full, settings.trigger, ...powerCurveValues(settings.powerCurve)],
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new Error('stats_run insert returned no id');
  return id;
}

function powerCurveValues(s: PowerCurveSettings): [number, number, number, number, number] {
  return [s.binWidth, s.minBinCount, s.referenceDays, s.threshold, s.minExpectedShare];
}

export async function markRunDone(client: PoolClient, runId: number, counts: RunCounts): Promise<void> {
  await client.query(
    `UPDATE stats_run
        SET status = 'done', finished_at = clock_timestamp(),
            windows_computed = $2::int, anomalies_reading = $3::int, anomalies_turbine = $4::int,
            anomalies_underperformance = $5::int, power_curve_days = $6::int, power_curve_windows = $7::int
      WHERE id = $1::int`,
    [
      runId,
      counts.windowsComputed,
      counts.anomaliesReading,
      counts.anomaliesTurbine,
      counts.anomaliesUnderperformance,
      counts.powerCurveDays,
      counts.powerCurveWindows,
    ],
  );
}

/** Records a run that failed and was rolled back; runs on its own, outside the failed transaction. */
export async function insertFailedRun(
  pool: Pool,
  run: RunSettings & { startedAt: Date; full: boolean | null; trigger: StatsTrigger },
): Promise<void> {
  await pool.query(
    `INSERT INTO stats_run (started_at, finished_at, status, window_seconds, sigma, "full", trigger,
                           bin_width, min_bin_count, reference_days, underperformance_threshold, min_expected_share)
     VALUES ($1::timestamptz, clock_timestamp(), 'failed', $2::int, $3::float8, $4::boolean, $5::text, $6::float8, $7::int, $8::int, $9::float8, $10::float8)`,
    [run.startedAt, run.windowSeconds, run.sigma, run.full ?? false, run.trigger, ...powerCurveValues(run.powerCurve)],
  );
}

/** How many runs have completed since `since` (the demo waits for the first one after its files are in). */
export async function countDoneRunsSince(db: Queryable, since: Date): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM stats_run WHERE status = 'done' AND started_at >= $1`, [
    since,
  ]);
  return rows[0]?.n ?? 0;
}
