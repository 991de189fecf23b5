import type { Queryable } from '../db/pool.js';

/**
 * The stats locks: two transaction-level Postgres advisory locks. Postgres releases both when the
 * transaction ends or the holder's connection dies, so a crashed run can never leave a stale lock.
 *
 * - The run lock: one run at a time. A run tries it first thing in its transaction and is skipped
 *   when another run (in any process) holds it; retention's purges take it too, so they never
 *   overlap a run.
 * - The read lock: taken by a run, already holding the run lock, right before its first write of
 *   results that readers see (window statistics, anomalies, power-curve tallies), and only when it
 *   has results to write; held to the commit. Readers ask pg_locks whether it is held and answer
 *   503 then, without taking it themselves and so without ever delaying a run. A run whose scope
 *   is empty (nothing pending: the scheduled run of a quiet minute) never takes it, so it never
 *   turns readers away.
 */

/** Two-int advisory keys: a namespace for Windmill ('WIND' in ASCII) and the lock's number (2 is the reading-count fold's). */
export const STATS_LOCK_NAMESPACE = 0x57_49_4e_44;
export const STATS_LOCK_ID = 1;
export const STATS_READ_LOCK_ID = 3;

/** SQL that takes the run lock inside the current transaction; returns `locked` = false when another run holds it. */
export const TRY_TAKE_STATS_LOCK_SQL = `SELECT pg_try_advisory_xact_lock(${STATS_LOCK_NAMESPACE}, ${STATS_LOCK_ID}) AS locked`;

/**
 * SQL that takes the read lock inside the current transaction. Only holders of the run lock take
 * it, so a run never waits for it (a test that holds it to play a writing run makes a run wait).
 */
export const TAKE_STATS_READ_LOCK_SQL = `SELECT pg_advisory_xact_lock(${STATS_LOCK_NAMESPACE}, ${STATS_READ_LOCK_ID})`;

/**
 * Run right after taking the run lock. Postgres notices a dead client only when it next talks to
 * it, so a holder that crashed while one of its statements runs (or waits on a row lock) would keep
 * the locks until that statement ends. With this setting the server polls the socket every second
 * during a statement and ends the session, releasing the locks, once the client is gone.
 */
export const WATCH_HOLDER_CONNECTION_SQL = `SET LOCAL client_connection_check_interval = '1s'`;

const IS_HELD_SQL = `SELECT EXISTS (
  SELECT 1 FROM pg_locks
   WHERE locktype = 'advisory' AND granted
     AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
     AND classid = ${STATS_LOCK_NAMESPACE} AND objid = ${STATS_READ_LOCK_ID} AND objsubid = 2
) AS held`;

/**
 * True while a stats run is writing its results (it holds the read lock); the API answers 503 to
 * stats and anomaly reads then. False during a run that has not started writing, or has nothing to write.
 */
export async function isStatsRunning(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ held: boolean }>(IS_HELD_SQL);
  return rows[0]?.held === true;
}
