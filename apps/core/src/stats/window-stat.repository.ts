import type { PoolClient } from '../db/pool.js';
import { SCOPED_READINGS_SQL } from './stats-scope.repository.js';

export interface WindowStatParams {
  windowSeconds: number;
  readingIntervalSeconds: number;
  sigma: number;
  runId: number;
}

export interface WrittenWindowStats {
  windowsComputed: number;
  anomaliesReading: number;
}

/**
 * `expected_count` of the newest stored window of this length, or null when there is none. Every
 * run writes one value for all its windows and a changed reading interval forces a full run, which
 * recomputes every window that has readings, the newest among them. Older windows whose readings
 * retention deleted keep the count they were computed with, so they cannot speak for the settings.
 * (If retention has deleted every reading, the newest window keeps its old count too, and runs stay
 * full, and empty, until new readings arrive.)
 */
export async function findStoredExpectedCount(client: PoolClient, windowSeconds: number): Promise<number | null> {
  const { rows } = await client.query<{ expected_count: number }>(
    'SELECT expected_count FROM window_stat WHERE window_seconds = $1::int ORDER BY window_start DESC LIMIT 1',
    [windowSeconds],
  );
  return rows[0]?.expected_count ?? null;
}

/**
 * Removes the stored statistics of the windows in scope, which the run is about to recompute (a
 * scoped window without readings thus stays removed). Windows outside the scope keep theirs, also
 * in a full run: its scope spans the readings there are, and retention may have deleted the
 * readings of older windows whose statistics must stay.
 */
export async function deleteWindowStats(client: PoolClient, windowSeconds: number): Promise<void> {
  await client.query(
    `DELETE FROM window_stat w
      USING stats_scope s
      WHERE w.window_seconds = $1::int AND w.turbine_id = s.turbine_id AND w.window_start = s.window_start`,
    [windowSeconds],
  );
}

/**
 * Aggregates the readings of every window in scope into `window_stat` and, in the same statement
 * (so from the same snapshot of `reading`), stores the readings outside their window's
 * mean ± k·stddev as `reading` anomalies.
 *
 * Power is aggregated and compared as numeric, so a mean of decimal readings is exact (2.975, not
 * 2.9749999999999996) and a reading exactly on mean + k·stddev is not flagged; results are stored
 * as double. stddev is the sample one (n-1), NULL for a single reading. Windows with fewer than 3
 * readings or stddev 0 flag nothing. Parameters: $1 window seconds, $2 k, $3 reading interval
 * seconds, $4 run id.
 */
export async function writeWindowStats(client: PoolClient, params: WindowStatParams): Promise<WrittenWindowStats> {
  const { rows } = await client.query<{ windows: number; anomalies: number }>(
    `WITH scoped AS NOT MATERIALIZED (${SCOPED_READINGS_SQL}),
     agg AS (
       SELECT turbine_id, window_start,
              count(*)::int AS n,
              min(power_output) AS min,
              max(power_output) AS max,
              avg(power_output::numeric) AS mean,
              stddev_samp(power_output::numeric) AS sd,
              (count(*) FILTER (WHERE power_imputed))::int AS imputed
         FROM scoped
        GROUP BY turbine_id, window_start
     ),
     stats AS (
       INSERT INTO window_stat (turbine_id, window_start, window_seconds, count, min, max, mean, stddev,
                                imputed_count, expected_count, computed_at, run_id)
       SELECT turbine_id, window_start, $1::int, n, min, max, mean::float8, sd::float8,
              imputed, $1::int / $3::int, now(), $4::int
         FROM agg
       RETURNING 1
     ),
     -- The exact band [lo, hi] per window, and a float copy of it narrowed by far more than any
     -- rounding: a reading inside the narrowed band is inside the exact one, so only the few
     -- readings near or beyond the edges pay for the numeric comparison. MATERIALIZED computes
     -- the band once per window, not once per reading.
     band AS MATERIALIZED (
       SELECT turbine_id, window_start, mean, sd, lo, hi,
              lo::float8 + 1e-9::float8 * (1 + abs(lo::float8)) AS lo_inner,
              hi::float8 - 1e-9::float8 * (1 + abs(hi::float8)) AS hi_inner
         FROM (SELECT turbine_id, window_start, mean, sd, mean - $2::numeric * sd AS lo, mean + $2::numeric * sd AS hi
                 FROM agg
                WHERE n >= 3 AND sd > 0) w
     ),
     outliers AS (
       INSERT INTO anomaly (kind, turbine_id, window_start, window_seconds, ts, value, mean, stddev,
                            deviation, sigma, run_id)
       SELECT 'reading', b.turbine_id, b.window_start, $1::int, x.ts, x.power_output, b.mean::float8, b.sd::float8,
              (x.power_output::numeric - b.mean)::float8, $2::numeric::float8, $4::int
         FROM band b
         JOIN scoped x ON x.turbine_id = b.turbine_id AND x.window_start = b.window_start
        -- CASE fixes the order: the planner would otherwise run the costlier numeric test first.
        WHERE CASE WHEN x.power_output BETWEEN b.lo_inner AND b.hi_inner THEN false
                   ELSE x.power_output::numeric > b.hi OR x.power_output::numeric < b.lo END
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM stats)::int AS windows, (SELECT count(*) FROM outliers)::int AS anomalies`,
    [params.windowSeconds, params.sigma, params.readingIntervalSeconds, params.runId],
  );
  return { windowsComputed: rows[0]?.windows ?? 0, anomaliesReading: rows[0]?.anomalies ?? 0 };
}
