import type { Pool } from '../db/pool.js';

/**
 * Keeps the planner's statistics of the big tables fresh. Postgres' autovacuum normally does this,
 * but where it is off (some CI and bulk-load setups) a table never analyzed makes the planner
 * guess, and an incremental stats run can pick a nested loop over every stored anomaly instead of
 * an index lookup per changed window (seconds instead of milliseconds). The rule copies
 * autovacuum's default analyze threshold: 50 rows plus 10 % of the table changed since the last
 * analyze, or never analyzed at all.
 */
const TABLES = ['reading', 'window_stat', 'anomaly', 'power_curve_day'] as const;

export async function analyzeStaleTables(pool: Pool): Promise<string[]> {
  const { rows } = await pool.query<{ relname: string }>(
    `SELECT relname FROM pg_stat_user_tables
      WHERE relname = ANY($1::text[])
        AND (coalesce(last_analyze, last_autoanalyze) IS NULL OR n_mod_since_analyze > 50 + 0.1 * n_live_tup)`,
    [TABLES],
  );
  for (const { relname } of rows) await pool.query(`ANALYZE ${relname}`);
  return rows.map((r) => r.relname);
}
