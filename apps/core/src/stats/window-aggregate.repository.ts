import type { PoolClient } from '../db/pool.js';
import { windowEndSql, windowStartSql } from './anomaly-rules.sql.js';
import type { ScopeKind } from './stats-scope.repository.js';
import { fullPassPerformanceSql } from './window-performance.repository.js';

/**
 * Per (turbine, window) aggregates of power for one stats run, in the table `stats_window_agg`
 * that the run's later statements read: n, min, max, mean, sample σ and sum (double precision), and
 * the count of imputed readings. The table lives as long as the run's transaction.
 *
 * - A full run reads `reading` once, in parallel: one GROUP BY over every reading. For the plan to
 *   be parallel, its result is a plain unlogged table (scans of temporary tables are parallel
 *   restricted); it is created and dropped inside the run's transaction, so other sessions never
 *   see it and a crash leaves nothing behind (runs never overlap: they hold the stats lock).
 * - An incremental run reads only the windows in `stats_scope`, one index range scan each, into a
 *   temporary table: its cost follows the new data, not the history.
 *
 * Statements bind the window length as $1.
 */
export const WINDOW_AGGREGATES = 'stats_window_agg';

const AGGREGATES = `count(*)::int AS n, min(r.power_output) AS min, max(r.power_output) AS max,
       avg(r.power_output) AS mean, stddev_samp(r.power_output) AS sd, sum(r.power_output) AS total,
       (count(*) FILTER (WHERE r.power_imputed))::int AS imputed`;
const AGGREGATE_COLUMNS = 'n, min, max, mean, sd, total, imputed';

/**
 * Settings for the statements of a full run, scoped to the run's transaction. Postgres' default
 * costs start parallel workers only for much larger tables than a run's temporary results, and its
 * estimates for the anomaly join would pick a sort-merge join; the hash join is what fits.
 *
 * work_mem bounds each process's hash table in the window pass (hash aggregation may use twice
 * it, hash_mem_multiplier). A hash table only takes what its groups need: at 10 M readings
 * (417 000 windows) well under 128 MB; at 100 M (4.2 M windows) 128 MB spilled to disk, and the
 * pass took 88 s against 71 s with 256 MB and 55 s with 512 MB, the same per reading as at 10 M.
 */
const FULL_RUN_SETTINGS = [
  'SET LOCAL parallel_setup_cost = 0',
  'SET LOCAL parallel_tuple_cost = 0',
  "SET LOCAL work_mem = '512MB'",
  'SET LOCAL enable_mergejoin = off',
];

/** Applies the full run's settings for the rest of its transaction (before its first pass). */
export async function useFullRunSettings(client: PoolClient): Promise<void> {
  for (const statement of FULL_RUN_SETTINGS) await client.query(statement);
}

/**
 * Runs a GROUP BY over every reading with hash aggregation in each parallel worker. Left to
 * itself, the planner sorts the joined readings (spilling hundreds of MB to disk) for a group
 * aggregate: 14 s instead of 9 s for the full pass at 10 M readings.
 */
export async function withHashAggregation<T>(client: PoolClient, run: () => Promise<T>): Promise<T> {
  await client.query('SET LOCAL enable_sort = off');
  const result = await run();
  // Not in a `finally`: after a failed statement the transaction is aborted, and this one would
  // fail too ("current transaction is aborted"), replacing the error that says what went wrong
  // (a timeout, say) in the run's log. The rollback resets the setting anyway.
  await client.query('SET LOCAL enable_sort = on');
  return result;
}

/**
 * Fills `stats_window_agg` for the run's scope; returns the number of windows with readings. A
 * full run's pass also joins the reference curves (`stats_pc_curve`, built before it) and adds
 * each window's power-curve sums (see window-performance.repository.ts), binding the bin width as $2.
 */
export async function aggregateWindows(client: PoolClient, kind: ScopeKind, windowSeconds: number, binWidth?: number): Promise<number> {
  if (kind === 'all') {
    const windowStart = windowStartSql('r.ts', '$1::int');
    const performance = binWidth === undefined ? null : fullPassPerformanceSql(windowStart, '$2::float8');
    const result = await withHashAggregation(client, () =>
      client.query(
        `CREATE UNLOGGED TABLE ${WINDOW_AGGREGATES} AS
         SELECT r.turbine_id, ${windowStart} AS window_start, ${AGGREGATES}${performance ? `, ${performance.columns}` : ''}
           FROM reading r
           ${performance?.join ?? ''}
          GROUP BY 1, 2`,
        binWidth === undefined ? [windowSeconds] : [windowSeconds, binWidth],
      ),
    );
    // The anomaly join's plan depends on knowing this table is the small side.
    await client.query(`ANALYZE ${WINDOW_AGGREGATES}`);
    return result.rowCount ?? 0;
  }
  // LATERAL makes each window one index range scan, whatever the planner estimates. As a plain
  // join it may prefer a scan of the whole table: Postgres puts a range join (ts between a window's
  // start and end) at 0.5 % of a turbine's readings whatever the window's length, an estimate that
  // grows with the table (at 100 M readings a one-day window for 55 000 readings instead of 24:
  // 38-84 s a run instead of 5 ms). Every incremental statement reads `reading` this way; joins
  // between the run's own small tables stay free to hash.
  const result = await client.query(
    `CREATE TEMPORARY TABLE ${WINDOW_AGGREGATES} ON COMMIT DROP AS
     SELECT s.turbine_id, s.window_start, a.${AGGREGATE_COLUMNS.split(', ').join(', a.')}
       FROM stats_scope s
      CROSS JOIN LATERAL (
        SELECT ${AGGREGATES}
          FROM reading r
         WHERE r.turbine_id = s.turbine_id AND r.ts >= s.window_start AND r.ts < ${windowEndSql('s.window_start', '$1::int')}
      ) a
      WHERE a.n > 0`,
    [windowSeconds],
  );
  await client.query(`ANALYZE ${WINDOW_AGGREGATES}`);
  return result.rowCount ?? 0;
}

/** Drops the run's aggregates before it commits (the temporary kind would go on commit anyway). */
export async function dropWindowAggregates(client: PoolClient): Promise<void> {
  await client.query(`DROP TABLE IF EXISTS ${WINDOW_AGGREGATES}`);
}
