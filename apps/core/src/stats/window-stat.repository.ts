import type { PoolClient } from '../db/pool.js';
import { inScopeWindowSql, scopedReadingsSql, type StatsScope } from './stats-scope.repository.js';

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
 * `expected_count` of any stored window of this length, or null when there is none. Every run
 * writes one value for all its windows and a changed reading interval forces a full run, so one
 * row speaks for all of them.
 */
export async function findStoredExpectedCount(client: PoolClient, windowSeconds: number): Promise<number | null> {
  const { rows } = await client.query<{ expected_count: number }>(
    'SELECT expected_count FROM window_stat WHERE window_seconds = $1::int LIMIT 1',
    [windowSeconds],
  );
  return rows[0]?.expected_count ?? null;
}

/** Removes the stored statistics of the windows in scope (a window that lost all readings stays removed). */
export async function deleteWindowStats(client: PoolClient, scope: StatsScope, windowSeconds: number): Promise<void> {
  await client.query(
    `DELETE FROM window_stat
      WHERE window_seconds = $1::int AND ${inScopeWindowSql(scope, 'turbine_id', 'window_start')}`,
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
export async function writeWindowStats(
  client: PoolClient,
  scope: StatsScope,
  params: WindowStatParams,
): Promise<WrittenWindowStats> {
  const { rows } = await client.query<{ windows: number; anomalies: number }>(
    `WITH scoped AS NOT MATERIALIZED (
       ${scopedReadingsSql(scope)}
     ),
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
     outliers AS (
       INSERT INTO anomaly (kind, turbine_id, window_start, window_seconds, ts, value, mean, stddev,
                            deviation, sigma, run_id)
       SELECT 'reading', a.turbine_id, a.window_start, $1::int, x.ts, x.power_output, a.mean::float8, a.sd::float8,
              (x.power_output::numeric - a.mean)::float8, $2::numeric::float8, $4::int
         FROM agg a
         JOIN scoped x ON x.turbine_id = a.turbine_id AND x.window_start = a.window_start
        WHERE a.n >= 3 AND a.sd > 0
          AND (x.power_output::numeric > a.mean + $2::numeric * a.sd
               OR x.power_output::numeric < a.mean - $2::numeric * a.sd)
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM stats)::int AS windows, (SELECT count(*) FROM outliers)::int AS anomalies`,
    [params.windowSeconds, params.sigma, params.readingIntervalSeconds, params.runId],
  );
  return { windowsComputed: rows[0]?.windows ?? 0, anomaliesReading: rows[0]?.anomalies ?? 0 };
}
