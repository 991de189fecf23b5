import type { Pool, PoolClient } from '../db/pool.js';
import { TRY_TAKE_STATS_LOCK_SQL, WATCH_HOLDER_CONNECTION_SQL } from './stats-lock.js';
import { windowStartSql } from './anomaly-rules.sql.js';

/**
 * Retention of raw readings (RETAIN_READINGS_DAYS): deletes readings before the retention horizon
 * (a window boundary, see domain/retention.ts) once their windows are computed. window_stat and
 * anomaly rows are never deleted here, so statistics and anomalies outlive their readings.
 *
 * computeStats calls it right after a run commits, not inside the run's transaction:
 * - Isolation. Each batch is a REPEATABLE READ transaction, so it deletes only readings unchanged
 *   since its snapshot: a loader that rewrites an old reading at that moment makes the batch fail
 *   to serialize (it is retried by the next run) instead of deleting a reading whose pending note
 *   the batch cannot see. At the run's READ COMMITTED level a DELETE re-checks a concurrently
 *   updated row against its own columns only and would delete it.
 * - A run's results never wait for or roll back with the purge.
 * - Bounded: one short transaction per turbine. Each holds the stats lock, because a full run
 *   finds its windows from the readings there are and must not see them vanish between its scope
 *   and its writes; between batches the lock is free.
 */

/** How long a batch waits for a row a loader holds before giving way (the next run retries it). */
const LOCK_TIMEOUT = '2s';
const SERIALIZATION_FAILURE = '40001';
const LOCK_NOT_AVAILABLE = '55P03';

export interface PurgeResult {
  /** Readings deleted. */
  deleted: number;
  /** Turbines left for a later run: a stats run held the lock, or a loader was changing their readings. */
  deferredTurbines: number;
}

/** Deletes the computed readings before `horizon`, turbine by turbine, each in its own transaction. */
export async function purgeComputedReadings(pool: Pool, horizon: Date, windowSeconds: number): Promise<PurgeResult> {
  const result: PurgeResult = { deleted: 0, deferredTurbines: 0 };
  const client = await pool.connect();
  let broken: unknown;
  try {
    const turbines = await findTurbinesWithReadingsBefore(client, horizon);
    for (const [i, turbineId] of turbines.entries()) {
      const batch = await purgeTurbine(client, turbineId, horizon, windowSeconds);
      if (batch === 'locked-out') {
        // A stats run has started; it purges in turn when it ends.
        result.deferredTurbines += turbines.length - i;
        break;
      }
      if (batch === 'conflict') result.deferredTurbines += 1;
      else result.deleted += batch;
    }
    return result;
  } catch (error) {
    broken = error;
    throw error;
  } finally {
    client.release(broken instanceof Error ? broken : undefined);
  }
}

async function purgeTurbine(
  client: PoolClient,
  turbineId: number,
  horizon: Date,
  windowSeconds: number,
): Promise<number | 'locked-out' | 'conflict'> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  try {
    const { rows } = await client.query<{ locked: boolean }>(TRY_TAKE_STATS_LOCK_SQL);
    if (rows[0]?.locked !== true) {
      await client.query('ROLLBACK');
      return 'locked-out';
    }
    await client.query(WATCH_HOLDER_CONNECTION_SQL);
    await client.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
    const deleted = await deleteComputedReadings(client, turbineId, horizon, windowSeconds);
    await client.query('COMMIT');
    return deleted;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {
      throw error; // the connection itself is broken
    });
    const code = (error as { code?: string }).code;
    if (code === SERIALIZATION_FAILURE || code === LOCK_NOT_AVAILABLE) return 'conflict';
    throw error;
  }
}

/** Turbines that have readings before `horizon`: one index probe each on reading (turbine_id, ts). */
export async function findTurbinesWithReadingsBefore(client: PoolClient, horizon: Date): Promise<number[]> {
  const { rows } = await client.query<{ id: number }>(
    `SELECT t.id FROM turbine t
      WHERE EXISTS (SELECT 1 FROM reading r WHERE r.turbine_id = t.id AND r.ts < $1::timestamptz)
      ORDER BY t.id`,
    [horizon],
  );
  return rows.map((r) => r.id);
}

/**
 * Deletes one turbine's readings before `horizon` whose windows are computed; returns how many. A
 * reading is not computed yet while a `stats_pending` note of its turbine covers its window or an
 * earlier one: nothing from the window of the note's first reading on is deleted, so the next run
 * still finds every reading of the windows it recomputes. One index range scan on
 * reading (turbine_id, ts). Runs in the caller's transaction.
 */
export async function deleteComputedReadings(client: PoolClient, turbineId: number, horizon: Date, windowSeconds: number): Promise<number> {
  const result = await client.query(
    `DELETE FROM reading
      WHERE turbine_id = $1::int
        -- least() ignores NULL: without pending notes the turbine is purged up to the horizon.
        AND ts < least($2::timestamptz,
                       (SELECT ${windowStartSql('min(least(p.ts_min, p.ts_max))', '$3::int')}
                          FROM stats_pending p
                         WHERE p.turbine_id = $1::int))`,
    [turbineId, horizon, windowSeconds],
  );
  return result.rowCount ?? 0;
}
