import type { PoolClient } from '../db/pool.js';
import { asDecimalSql } from './anomaly-rules.sql.js';
import { WINDOW_AGGREGATES } from './window-aggregate.repository.js';
import { PERFORMANCE_AGGREGATES, PERFORMANCE_COLUMNS, performanceColumnsSql } from './window-performance.repository.js';

export interface WindowStatParams {
  windowSeconds: number;
  readingIntervalSeconds: number;
  sigma: number;
  runId: number;
  /** UNDERPERFORMANCE_MIN_EXPECTED_SHARE, for `performance_judged`. */
  minExpectedShare: number;
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
 * Stores the run's window aggregates (`stats_window_agg`) as `window_stat` rows, with their
 * power-curve performance (from the same table in a full run, from `stats_pc_agg` in an
 * incremental one, see window-performance.repository.ts; a window that used no reading gets zeros
 * and a NULL ratio). Mean and σ were summed in double precision and are
 * stored as the decimals they stand for (15 significant digits, far inside the doubles' accuracy),
 * so a mean of 2.975 reads 2.975, not 2.9749999999999996. σ is the sample one (n-1), NULL for a
 * single reading. Parameters: $1 window seconds, $2 reading interval seconds, $3 the guard's
 * share, $4 run id.
 */
export async function writeWindowStats(client: PoolClient, params: Omit<WindowStatParams, 'sigma'> & { full: boolean }): Promise<number> {
  // A full run's pass put the performance sums beside the statistics; an incremental run's are apart.
  const { lateral, columns } = performanceColumnsSql(params.full ? 'a' : 'p');
  const result = await client.query(
    `INSERT INTO window_stat (turbine_id, window_start, window_seconds, count, min, max, mean, stddev,
                              imputed_count, expected_count, computed_at, run_id, energy_mwh, ${PERFORMANCE_COLUMNS})
     SELECT a.turbine_id, a.window_start, $1::int, a.n, a.min, a.max, ${asDecimalSql('a.mean')}::float8, ${asDecimalSql('a.sd')}::float8,
            a.imputed, $1::int / $2::int, now(), $4::int, a.total * ($2::int::float8 / 3600), ${columns}
       FROM ${WINDOW_AGGREGATES} a
       ${params.full ? '' : `LEFT JOIN ${PERFORMANCE_AGGREGATES} p ON p.turbine_id = a.turbine_id AND p.window_start = a.window_start`}
       ${lateral}
      -- In key order, the primary key's pages fill one after another instead of at random.
      ORDER BY a.turbine_id, a.window_start`,
    [params.windowSeconds, params.readingIntervalSeconds, params.minExpectedShare, params.runId],
  );
  return result.rowCount ?? 0;
}

/** Postgres' own estimate of the stored windows (all window sizes): cheap, and enough to compare scopes. */
export async function estimateStoredWindows(client: PoolClient): Promise<number> {
  const { rows } = await client.query<{ n: number }>(
    `SELECT greatest(reltuples, 0)::float8 AS n FROM pg_class WHERE oid = 'window_stat'::regclass`,
  );
  return rows[0]?.n ?? 0;
}
