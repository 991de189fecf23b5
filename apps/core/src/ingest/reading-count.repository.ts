import type { Pool, Queryable } from '../db/pool.js';
import { STATS_LOCK_NAMESPACE } from '../stats/stats-lock.js';
import type { TurbineRanges } from './turbine-ranges.js';

/**
 * Per-turbine reading counts kept beside `reading`, so GET /turbines never counts the readings
 * (see the migration 20261201120000_reading_counts for the whole design):
 *
 * - Every committed change to `reading` leaves delta rows (turbine, file, +/- readings) written in
 *   its own transaction: the loader writes them for the readings it inserts (below), triggers for
 *   UPDATE (an upsert replacing an earlier file's reading) and DELETE (retention). A rolled-back
 *   load leaves none; writers only insert, so they never wait for each other on a count.
 * - `foldReadingCounts` moves the committed delta rows into `turbine_file_reading_count` and
 *   `turbine_reading_count`, one fold at a time. Reads add what is not folded yet, so they are
 *   exact at any moment; folding only keeps them cheap.
 */

/** Advisory key of the fold: Windmill's namespace (shared with the stats lock, number 1) and number 2. */
const FOLD_LOCK = { namespace: STATS_LOCK_NAMESPACE, id: 2 } as const;

/**
 * The readings a COPY inserted, per turbine: all of them are new keys and all from `fileId`. The
 * columns are int[] parameters (binary arrays, see turbine-ranges.ts).
 */
export async function recordInsertedReadings(
  db: Queryable,
  fileId: number,
  perTurbine: Pick<TurbineRanges, 'turbineIds' | 'counts'>,
): Promise<void> {
  await db.query(
    `INSERT INTO reading_count_delta (turbine_id, file_id, readings)
     SELECT t, $1::int, n FROM unnest($2::int[], $3::int[]) AS u(t, n) WHERE n <> 0`,
    [fileId, perTurbine.turbineIds, perTurbine.counts],
  );
}

/**
 * Wraps an upsert into `reading` that ends in `RETURNING turbine_id, xmax = 0 AS inserted` so that
 * the rows it inserted (xmax is 0 only on a row version this statement inserted; the rows it
 * updated are counted by the UPDATE trigger) are recorded for the file id bound as `fileIdParam`,
 * in the same statement.
 */
export function countingInsertedRows(upsertSql: string, fileIdParam = '$1'): string {
  return `WITH written AS (${upsertSql})
  INSERT INTO reading_count_delta (turbine_id, file_id, readings)
  SELECT turbine_id, ${fileIdParam}::int, count(*) FROM written WHERE inserted GROUP BY turbine_id`;
}

/**
 * Moves every committed delta row into the folded counts, in one statement and one transaction:
 * per (turbine, file) the new count (rows that reach 0 are removed), per turbine the readings and
 * the change in files holding at least one of its readings. Returns the number of turbines whose
 * counts changed, or null when another fold holds the lock (it folds the same rows).
 */
export async function foldReadingCounts(pool: Pool): Promise<number | null> {
  const client = await pool.connect();
  let failed: unknown;
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_xact_lock($1, $2) AS locked`, [
      FOLD_LOCK.namespace,
      FOLD_LOCK.id,
    ]);
    if (rows[0]?.locked !== true) {
      await client.query('ROLLBACK');
      return null;
    }
    const result = await client.query(FOLD_SQL);
    await client.query('COMMIT');
    return result.rowCount ?? 0;
  } catch (error) {
    failed = error;
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release(failed instanceof Error ? failed : undefined);
  }
}

/** How often a loading process folds at most; the stats run folds after each run too. */
export const LOADER_FOLD_EVERY_MS = 10_000;
const lastFoldAt = new WeakMap<Pool, number>();

/**
 * Folds, then vacuums, unless this pool did so less than `everyMs` ago: called after each file a
 * loader commits, so the delta rows of a long batch load stay few (a few thousand) and reads cheap.
 * Returns whether it folded.
 */
export async function foldReadingCountsEvery(pool: Pool, everyMs: number, now = Date.now()): Promise<boolean> {
  const last = lastFoldAt.get(pool);
  if (last !== undefined && now - last < everyMs) return false;
  lastFoldAt.set(pool, now);
  if ((await foldReadingCounts(pool)) === null) return false;
  await vacuumCountTables(pool);
  return true;
}

/**
 * The delta table only ever takes rows and gives them back; where autovacuum is off nothing would
 * reclaim them, and every read scans it whole (the folded tables are updated in place). Cheap: the
 * delta table holds at most the rows written since the previous fold, and VACUUM skips the pages
 * of the others that did not change. Runs outside a transaction (VACUUM cannot run inside one).
 */
export async function vacuumCountTables(pool: Pool): Promise<void> {
  await pool.query('VACUUM reading_count_delta, turbine_file_reading_count, turbine_reading_count');
}

const FOLD_SQL = `
  WITH moved AS (
    DELETE FROM reading_count_delta RETURNING turbine_id, file_id, readings
  ), delta AS (
    SELECT turbine_id, file_id, sum(readings) AS readings FROM moved GROUP BY 1, 2 HAVING sum(readings) <> 0
  ), counted AS (
    SELECT d.turbine_id, d.file_id, d.readings AS delta,
           coalesce(f.readings, 0) AS before, coalesce(f.readings, 0) + d.readings AS after
      FROM delta d
      LEFT JOIN turbine_file_reading_count f ON f.turbine_id = d.turbine_id AND f.file_id = d.file_id
  ), kept AS (
    INSERT INTO turbine_file_reading_count (turbine_id, file_id, readings)
    SELECT turbine_id, file_id, after FROM counted WHERE after <> 0 ORDER BY 1, 2
    ON CONFLICT (turbine_id, file_id) DO UPDATE SET readings = EXCLUDED.readings
  ), emptied AS (
    DELETE FROM turbine_file_reading_count f USING counted c
     WHERE c.after = 0 AND f.turbine_id = c.turbine_id AND f.file_id = c.file_id
  )
  INSERT INTO turbine_reading_count AS t (turbine_id, readings, files)
  SELECT turbine_id, sum(delta), sum((after > 0)::int - (before > 0)::int) FROM counted GROUP BY 1 ORDER BY 1
  ON CONFLICT (turbine_id) DO UPDATE SET readings = t.readings + EXCLUDED.readings, files = t.files + EXCLUDED.files`;

/**
 * Per turbine of `turbineIds` (an SQL expression of type int[], so a page of turbines costs its
 * own rows, not the fleet's): the folded counts plus the delta rows not folded yet. `files` counts
 * the files that hold at least one of the turbine's current readings: a pending delta changes it
 * where it takes a (turbine, file) count from 0 to more, or back to 0. For reads (turbines.read.ts).
 */
export function currentReadingCountsSql(turbineIds: string): string {
  return `
  SELECT coalesce(c.turbine_id, p.turbine_id) AS turbine_id,
         coalesce(c.readings, 0) + coalesce(p.readings, 0) AS readings,
         coalesce(c.files, 0) + coalesce(p.files, 0) AS files
    FROM (SELECT * FROM turbine_reading_count WHERE turbine_id = ANY(${turbineIds})) c
    FULL JOIN (
      SELECT d.turbine_id, sum(d.readings) AS readings,
             sum((coalesce(f.readings, 0) + d.readings > 0)::int - (coalesce(f.readings, 0) > 0)::int) AS files
        FROM (SELECT turbine_id, file_id, sum(readings) AS readings FROM reading_count_delta
               WHERE turbine_id = ANY(${turbineIds}) GROUP BY 1, 2) d
        LEFT JOIN turbine_file_reading_count f ON f.turbine_id = d.turbine_id AND f.file_id = d.file_id
       GROUP BY d.turbine_id
    ) p ON p.turbine_id = c.turbine_id`;
}
