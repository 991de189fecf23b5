import type { PoolClient } from '../db/pool.js';
import { windowStartSql } from './anomaly-rules.sql.js';
import { WINDOW_AGGREGATES } from './window-aggregate.repository.js';

/**
 * The (turbine, window) pairs one stats run recomputes, held in the temporary table `stats_scope`
 * that lives as long as the run's transaction (ON COMMIT DROP; a rollback removes it too).
 *
 * - `pending` (an incremental run): the windows touched by the `stats_pending` notes the run
 *   consumes, taken before anything is aggregated.
 * - `all` (a full run): every window that has readings, taken from the run's aggregates. Windows
 *   whose readings retention deleted are not in it, and keep their statistics and anomalies.
 *
 * Either way the pending notes are consumed first, and only then is `reading` read: a DELETE sees
 * only notes committed before it started, so every note consumed belongs to readings the later
 * statements see, and a loader committing meanwhile leaves its note for the next run.
 *
 * The run then replaces the statistics and anomalies of exactly these windows. Statements built
 * from these fragments bind the window length as `$1`.
 */
export type ScopeKind = 'all' | 'pending';

/** A condition on `window_start`: true for the window starts whose fleet comparison is redone. */
export const IN_SCOPE_WINDOW_START_SQL = 'window_start IN (SELECT window_start FROM stats_scope)';

/**
 * An incremental run's scope is small and joined by key, so it has one; a full run's scope is
 * every window and only ever read whole (hash joins), so it does without the index's cost.
 */
async function createScope(client: PoolClient, keyed: boolean): Promise<void> {
  await client.query(`CREATE TEMP TABLE stats_scope (
      turbine_id   int         NOT NULL,
      window_start timestamptz NOT NULL${keyed ? ',\n      PRIMARY KEY (turbine_id, window_start)' : ''}
    ) ON COMMIT DROP`);
}

/** An incremental run's scope: consumes the pending notes; returns the number of windows. */
export async function scopeFromPendingNotes(client: PoolClient, windowSeconds: number): Promise<number> {
  await createScope(client, true);
  const windows = await insertWindows(
    client,
    `DELETE FROM stats_pending RETURNING turbine_id, least(ts_min, ts_max) AS ts_from, greatest(ts_min, ts_max) AS ts_to`,
    windowSeconds,
  );
  // Fresh statistics let the planner see how small the scope is.
  await client.query('ANALYZE stats_scope');
  return windows;
}

/** A full run covers every note: consumes them all, before the run reads `reading`. */
export async function consumeAllPendingNotes(client: PoolClient): Promise<void> {
  await client.query('DELETE FROM stats_pending');
}

/** A full run's scope: the windows its aggregates found readings in. */
export async function scopeFromAggregates(client: PoolClient): Promise<number> {
  await createScope(client, false);
  const result = await client.query(
    `INSERT INTO stats_scope (turbine_id, window_start) SELECT turbine_id, window_start FROM ${WINDOW_AGGREGATES}`,
  );
  await client.query('ANALYZE stats_scope');
  return result.rowCount ?? 0;
}

/**
 * Turns (turbine_id, ts_from, ts_to) ranges into every window from the one holding ts_from to
 * the one holding ts_to (windows as in anomaly-rules.sql.ts).
 */
async function insertWindows(client: PoolClient, rangesSql: string, windowSeconds: number): Promise<number> {
  const result = await client.query(
    `WITH ranges AS (${rangesSql})
     INSERT INTO stats_scope (turbine_id, window_start)
     SELECT DISTINCT g.turbine_id, w.start
       FROM ranges g
      CROSS JOIN LATERAL generate_series(${windowStartSql('g.ts_from', '$1::int')}, ${windowStartSql('g.ts_to', '$1::int')},
                                         $1::int * interval '1 second') AS w(start)`,
    [windowSeconds],
  );
  return result.rowCount ?? 0;
}

/**
 * How many windows the pending notes touch, counted per note (notes that share a window count it
 * twice, so this is an upper bound): what an incremental run would read, told before it starts.
 */
export async function estimatePendingWindows(client: PoolClient, windowSeconds: number): Promise<number> {
  const { rows } = await client.query<{ windows: string | null }>(
    `SELECT sum(floor(extract(epoch FROM greatest(ts_min, ts_max)) / $1::int)
              - floor(extract(epoch FROM least(ts_min, ts_max)) / $1::int) + 1) AS windows
       FROM stats_pending`,
    [windowSeconds],
  );
  return Number(rows[0]?.windows ?? 0);
}

/** Whether `reading` has a row at all: a full run's scope (every window with readings) is empty otherwise. */
export async function anyReadings(client: PoolClient): Promise<boolean> {
  const { rows } = await client.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM reading) AS any');
  return rows[0]?.any === true;
}
