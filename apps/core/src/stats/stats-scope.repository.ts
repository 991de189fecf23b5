import type { PoolClient } from '../db/pool.js';

/**
 * The (turbine, window) pairs one stats run recomputes, held in the temporary table `stats_scope`
 * that lives as long as the run's transaction (ON COMMIT DROP; a rollback removes it too).
 *
 * - `all` (a full run): every window from each turbine's first reading to its last. Windows before
 *   a turbine's first reading (their readings deleted by retention) are not in it, and keep their
 *   statistics and anomalies.
 * - `pending` (an incremental run): the windows touched by the `stats_pending` notes the run
 *   consumed.
 *
 * Both runs then read `reading` the same way, one index range scan per scoped window, so an
 * incremental run costs what its new data costs, and a full run needs no large sort or hash.
 * Statements built from these fragments bind the window length as `$1`.
 */
export type ScopeKind = 'all' | 'pending';

/** The readings of the scoped windows, as (turbine_id, window_start, ts, power_output, power_imputed). */
export const SCOPED_READINGS_SQL = `
  SELECT s.turbine_id, s.window_start, r.ts, r.power_output, r.power_imputed
    FROM stats_scope s
    JOIN reading r ON r.turbine_id = s.turbine_id
                  AND r.ts >= s.window_start
                  AND r.ts < s.window_start + $1::int * interval '1 second'`;

/** A condition on `window_start`: true for the window starts whose fleet comparison is redone. */
export const IN_SCOPE_WINDOW_START_SQL = 'window_start IN (SELECT window_start FROM stats_scope)';

/**
 * Creates and fills `stats_scope`; returns the number of windows in it. Either way the pending
 * notes are consumed: a full run covers them. The DELETE sees only notes committed before it
 * started, so a loader committing later leaves its note for the next run.
 */
export async function prepareScope(client: PoolClient, kind: ScopeKind, windowSeconds: number): Promise<number> {
  await client.query(`CREATE TEMP TABLE stats_scope (
      turbine_id   int         NOT NULL,
      window_start timestamptz NOT NULL,
      PRIMARY KEY (turbine_id, window_start)
    ) ON COMMIT DROP`);
  let windows: number;
  if (kind === 'pending') {
    windows = await insertWindows(
      client,
      `DELETE FROM stats_pending RETURNING turbine_id, least(ts_min, ts_max) AS ts_from, greatest(ts_min, ts_max) AS ts_to`,
      windowSeconds,
    );
  } else {
    await client.query('DELETE FROM stats_pending');
    // min and max per turbine are two index probes each, not a scan of `reading`.
    windows = await insertWindows(
      client,
      `SELECT t.id AS turbine_id, b.ts_from, b.ts_to
         FROM turbine t
        CROSS JOIN LATERAL (SELECT min(ts) AS ts_from, max(ts) AS ts_to FROM reading r WHERE r.turbine_id = t.id) b
        WHERE b.ts_from IS NOT NULL`,
      windowSeconds,
    );
  }
  // Fresh statistics let the planner see how small (or large) the scope is.
  await client.query('ANALYZE stats_scope');
  return windows;
}

/**
 * Turns (turbine_id, ts_from, ts_to) ranges into every window from the one holding ts_from to
 * the one holding ts_to. Windows are [start, start + W) with start a multiple of W seconds since
 * the Unix epoch; floor() keeps instants before 1970 in the right window.
 */
async function insertWindows(client: PoolClient, rangesSql: string, windowSeconds: number): Promise<number> {
  const result = await client.query(
    `WITH ranges AS (${rangesSql})
     INSERT INTO stats_scope (turbine_id, window_start)
     SELECT DISTINCT g.turbine_id, to_timestamp(w.n * $1::int)
       FROM ranges g
      CROSS JOIN LATERAL generate_series(floor(extract(epoch FROM g.ts_from) / $1::int)::bigint,
                                         floor(extract(epoch FROM g.ts_to) / $1::int)::bigint) AS w(n)`,
    [windowSeconds],
  );
  return result.rowCount ?? 0;
}
