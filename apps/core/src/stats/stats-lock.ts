import type { Queryable } from '../db/pool.js';

/**
 * The stats read lock. A stats run holds a transaction-level Postgres advisory lock on this key for
 * as long as it writes. Postgres releases it when the transaction ends or the holder's connection
 * dies, so a crashed run can never leave a stale lock. Two runs cannot overlap (the second does not
 * get the lock), and readers ask pg_locks whether a run is writing, without taking the lock
 * themselves and so without ever delaying a run.
 */

/** Two-int advisory key: a namespace for Windmill ('WIND' in ASCII) and the lock's number. */
export const STATS_LOCK_NAMESPACE = 0x57_49_4e_44;
export const STATS_LOCK_ID = 1;

/** SQL that takes the lock inside the current transaction; returns `locked` = false when another run holds it. */
export const TRY_TAKE_STATS_LOCK_SQL = `SELECT pg_try_advisory_xact_lock(${STATS_LOCK_NAMESPACE}, ${STATS_LOCK_ID}) AS locked`;

/**
 * Run right after taking the lock. Postgres notices a dead client only when it next talks to it, so
 * a holder that crashed while one of its statements runs (or waits on a row lock) would keep the
 * lock until that statement ends. With this setting the server polls the socket every second
 * during a statement and ends the session, releasing the lock, once the client is gone.
 */
export const WATCH_HOLDER_CONNECTION_SQL = `SET LOCAL client_connection_check_interval = '1s'`;

const IS_HELD_SQL = `SELECT EXISTS (
  SELECT 1 FROM pg_locks
   WHERE locktype = 'advisory' AND granted
     AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
     AND classid = ${STATS_LOCK_NAMESPACE} AND objid = ${STATS_LOCK_ID} AND objsubid = 2
) AS held`;

/** True while a stats run is writing; the API answers 503 to stats and anomaly reads then. */
export async function isStatsRunning(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ held: boolean }>(IS_HELD_SQL);
  return rows[0]?.held === true;
}
