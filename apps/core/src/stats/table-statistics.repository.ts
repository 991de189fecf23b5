import type { Pool } from '../db/pool.js';

/**
 * Keeps the big tables fit for the stats job's plans. Postgres' autovacuum normally does this, but
 * where it is off (some CI and bulk-load setups) two things go wrong: a table never analyzed makes
 * the planner guess (an incremental run can pick a nested loop over every stored anomaly instead
 * of an index lookup per changed window: seconds instead of milliseconds), and the rows a run
 * replaces stay behind as dead tuples, so every later write to `window_stat` and `anomaly` checks
 * its unique keys against all the versions before it. The rules copy autovacuum's defaults:
 * analyze after 50 rows plus 10 % of the table changed (or never analyzed), vacuum after 50 rows
 * plus 20 % of it died.
 */
const TABLES = ['reading', 'window_stat', 'anomaly', 'power_curve_day'] as const;

export interface TableMaintenance {
  vacuumed: string[];
  analyzed: string[];
}

export async function maintainTables(pool: Pool): Promise<TableMaintenance> {
  const { rows } = await pool.query<{ relname: string; vacuum: boolean; analyze: boolean }>(
    `SELECT relname,
            n_dead_tup > 50 + 0.2 * n_live_tup AS vacuum,
            coalesce(last_analyze, last_autoanalyze) IS NULL OR n_mod_since_analyze > 50 + 0.1 * n_live_tup AS analyze
       FROM pg_stat_user_tables
      WHERE relname = ANY($1::text[])`,
    [TABLES],
  );
  const done: TableMaintenance = { vacuumed: [], analyzed: [] };
  for (const { relname, vacuum, analyze } of rows) {
    if (vacuum) {
      await pool.query(`VACUUM (ANALYZE) ${relname}`);
      done.vacuumed.push(relname);
    } else if (analyze) {
      await pool.query(`ANALYZE ${relname}`);
      done.analyzed.push(relname);
    }
  }
  return done;
}
