import type { PoolClient } from '../db/pool.js';

/**
 * The (turbine, window) pairs one stats run recomputes.
 *
 * - `all` (a full run): every window that has readings.
 * - `pending` (an incremental run): the windows touched by the `stats_pending` rows the run
 *   consumed, held in the temporary table `stats_scope`, which lives as long as the run's
 *   transaction (ON COMMIT DROP; a rollback removes it too).
 *
 * Every statement built from these fragments binds the window length as `$1`, so the fragments
 * can be spliced into any of them.
 */
export type StatsScope = 'all' | 'pending';

/** Start of the epoch-aligned window holding `ts`, for a window length bound as `$1`. */
export function windowStartOf(ts: string): string {
  return `to_timestamp(floor(extract(epoch FROM ${ts}) / $1::int) * $1::int)`;
}

/**
 * A SELECT of the readings a run aggregates, as (turbine_id, window_start, ts, power_output,
 * power_imputed). The `pending` form walks the (turbine_id, ts) unique index once per scoped
 * window, so its cost follows the new data, not the size of `reading`.
 */
export function scopedReadingsSql(scope: StatsScope): string {
  if (scope === 'all') {
    return `SELECT r.turbine_id, ${windowStartOf('r.ts')} AS window_start, r.ts, r.power_output, r.power_imputed
              FROM reading r`;
  }
  return `SELECT s.turbine_id, s.window_start, r.ts, r.power_output, r.power_imputed
            FROM stats_scope s
            JOIN reading r ON r.turbine_id = s.turbine_id
                          AND r.ts >= s.window_start
                          AND r.ts < s.window_start + $1::int * interval '1 second'`;
}

/** A condition on (turbine, window start) columns: true for the windows in scope. */
export function inScopeWindowSql(scope: StatsScope, turbineId: string, windowStart: string): string {
  if (scope === 'all') return 'TRUE';
  return `(${turbineId}, ${windowStart}) IN (SELECT turbine_id, window_start FROM stats_scope)`;
}

/** A condition on a window start column: true for the window starts whose fleet comparison is redone. */
export function inScopeWindowStartSql(scope: StatsScope, windowStart: string): string {
  if (scope === 'all') return 'TRUE';
  return `${windowStart} IN (SELECT window_start FROM stats_scope)`;
}

/** A full run recomputes everything, so the pending notes are simply spent. */
export async function discardPending(client: PoolClient): Promise<number> {
  const result = await client.query('DELETE FROM stats_pending');
  return result.rowCount ?? 0;
}

/**
 * Consumes `stats_pending` into `stats_scope`: each (turbine, ts_min, ts_max) becomes every window
 * from the one holding ts_min to the one holding ts_max. The DELETE sees only notes committed
 * before it started; a loader committing later leaves its note for the next run. Returns the
 * number of distinct windows in scope.
 */
export async function consumePending(client: PoolClient, windowSeconds: number): Promise<number> {
  await client.query(`CREATE TEMP TABLE stats_scope (
      turbine_id   int         NOT NULL,
      window_start timestamptz NOT NULL,
      PRIMARY KEY (turbine_id, window_start)
    ) ON COMMIT DROP`);
  const result = await client.query(
    `WITH consumed AS (
       DELETE FROM stats_pending RETURNING turbine_id, least(ts_min, ts_max) AS ts_from, greatest(ts_min, ts_max) AS ts_to
     )
     INSERT INTO stats_scope (turbine_id, window_start)
     SELECT DISTINCT c.turbine_id, to_timestamp(w.n * $1::int)
       FROM consumed c
      CROSS JOIN LATERAL generate_series(floor(extract(epoch FROM c.ts_from) / $1::int)::bigint,
                                         floor(extract(epoch FROM c.ts_to) / $1::int)::bigint) AS w(n)`,
    [windowSeconds],
  );
  // Fresh statistics make the planner pick index range scans of `reading` for a small scope.
  await client.query('ANALYZE stats_scope');
  return result.rowCount ?? 0;
}
