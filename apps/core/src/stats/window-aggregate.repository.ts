import type { PoolClient } from '../db/pool.js';
import { windowEndSql, windowStartSql } from './anomaly-rules.sql.js';
import type { ScopeKind } from './stats-scope.repository.js';

/**
 * Per (turbine, window) aggregates of power for one stats run, in the table `stats_window_agg`
 * that the run's later statements read: n, min, max, mean and sample σ (double precision), and the
 * count of imputed readings. The table lives as long as the run's transaction.
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

const AGGREGATES = `count(*)::int AS n, min(power_output) AS min, max(power_output) AS max,
       avg(power_output) AS mean, stddev_samp(power_output) AS sd,
       (count(*) FILTER (WHERE power_imputed))::int AS imputed`;

/**
 * Settings for the statements of a full run, scoped to the run's transaction. Postgres' default
 * costs start parallel workers only for much larger tables than a run's temporary results, and its
 * estimates for the anomaly join would pick a sort-merge join; the hash join is what fits.
 */
const FULL_RUN_SETTINGS = [
  'SET LOCAL parallel_setup_cost = 0',
  'SET LOCAL parallel_tuple_cost = 0',
  "SET LOCAL work_mem = '128MB'",
  'SET LOCAL enable_mergejoin = off',
];

/**
 * Settings for the rest of an incremental run's transaction: every statement of the run goes from
 * its few scoped windows into the big tables by index (nested loops). Postgres estimates a
 * range join (ts between a window's start and end) at 0.5 % of a turbine's readings per window
 * whatever the window's length, an estimate that grows with the table: at 100 M readings it took
 * a one-day window for 55 000 readings (24 in truth), and scanned all of `reading` in a hash join
 * instead, twice per run (38 s and 46 s, against 5 ms by index). A full run does not use these.
 */
const INCREMENTAL_RUN_SETTINGS = ['SET LOCAL enable_hashjoin = off', 'SET LOCAL enable_mergejoin = off'];

/** Fills `stats_window_agg` for the run's scope; returns the number of windows with readings. */
export async function aggregateWindows(client: PoolClient, kind: ScopeKind, windowSeconds: number): Promise<number> {
  if (kind === 'all') {
    for (const statement of FULL_RUN_SETTINGS) await client.query(statement);
    const result = await client.query(
      `CREATE UNLOGGED TABLE ${WINDOW_AGGREGATES} AS
       SELECT turbine_id, ${windowStartSql('ts', '$1::int')} AS window_start, ${AGGREGATES}
         FROM reading
        GROUP BY 1, 2`,
      [windowSeconds],
    );
    // The anomaly join's plan depends on knowing this table is the small side.
    await client.query(`ANALYZE ${WINDOW_AGGREGATES}`);
    return result.rowCount ?? 0;
  }
  for (const statement of INCREMENTAL_RUN_SETTINGS) await client.query(statement);
  const result = await client.query(
    `CREATE TEMPORARY TABLE ${WINDOW_AGGREGATES} ON COMMIT DROP AS
     SELECT s.turbine_id, s.window_start, ${AGGREGATES}
       FROM stats_scope s
       JOIN reading r ON r.turbine_id = s.turbine_id
                     AND r.ts >= s.window_start AND r.ts < ${windowEndSql('s.window_start', '$1::int')}
      GROUP BY s.turbine_id, s.window_start`,
    [windowSeconds],
  );
  await client.query(`ANALYZE ${WINDOW_AGGREGATES}`);
  return result.rowCount ?? 0;
}

/** Drops the run's aggregates before it commits (the temporary kind would go on commit anyway). */
export async function dropWindowAggregates(client: PoolClient): Promise<void> {
  await client.query(`DROP TABLE IF EXISTS ${WINDOW_AGGREGATES}`);
}
