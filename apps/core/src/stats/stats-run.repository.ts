import type { Pool, PoolClient, Queryable } from '../db/pool.js';
import type { StatsJob } from '../platform/queues.js';

export type StatsTrigger = StatsJob['trigger'];

export interface RunSettings {
  windowSeconds: number;
  sigma: number;
}

export interface RunCounts {
  windowsComputed: number;
  anomaliesReading: number;
  anomaliesTurbine: number;
}

/** Settings of the last run that completed, or null before the first one. */
export async function findLastDoneRun(client: PoolClient): Promise<RunSettings | null> {
  const { rows } = await client.query<{ window_seconds: number; sigma: number }>(
    `SELECT window_seconds, sigma FROM stats_run WHERE status = 'done' ORDER BY id DESC LIMIT 1`,
  );
  const row = rows[0];
  return row ? { windowSeconds: row.window_seconds, sigma: row.sigma } : null;
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
    `INSERT INTO stats_run (started_at, status, window_seconds, sigma, "full", trigger)
     VALUES (clock_timestamp(), 'running', $1::int, $2::float8, $3::boolean, $4::text)
     RETURNING id`,
    [settings.windowSeconds, settings.sigma, settings.full, settings.trigger],
  );
  const id = rows[0]?.id;
  if (id === undefined) throw new Error('stats_run insert returned no id');
  return id;
}

export async function markRunDone(client: PoolClient, runId: number, counts: RunCounts): Promise<void> {
  await client.query(
    `UPDATE stats_run
        SET status = 'done', finished_at = clock_timestamp(),
            windows_computed = $2::int, anomalies_reading = $3::int, anomalies_turbine = $4::int
      WHERE id = $1::int`,
    [runId, counts.windowsComputed, counts.anomaliesReading, counts.anomaliesTurbine],
  );
}

/** Records a run that failed and was rolled back; runs on its own, outside the failed transaction. */
export async function insertFailedRun(
  pool: Pool,
  run: RunSettings & { startedAt: Date; full: boolean | null; trigger: StatsTrigger },
): Promise<void> {
  await pool.query(
    `INSERT INTO stats_run (started_at, finished_at, status, window_seconds, sigma, "full", trigger)
     VALUES ($1::timestamptz, clock_timestamp(), 'failed', $2::int, $3::float8, $4::boolean, $5::text)`,
    [run.startedAt, run.windowSeconds, run.sigma, run.full ?? false, run.trigger],
  );
}

/** How many runs have completed since `since` (the demo waits for the first one after its files are in). */
export async function countDoneRunsSince(db: Queryable, since: Date): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM stats_run WHERE status = 'done' AND started_at >= $1`, [
    since,
  ]);
  return rows[0]?.n ?? 0;
}
