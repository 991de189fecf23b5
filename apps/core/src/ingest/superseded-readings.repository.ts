import type { PoolClient } from 'pg';
import type { EarlierLoad } from '../domain/superseded-loads.js';
import type { TurbineRanges } from './clean-task.js';

/**
 * A new version of a file replaces the readings of the earlier delivery at its path (see
 * domain/superseded-loads.ts): the bookkeeping that finds those readings, and their removal, in
 * the new file's load transaction.
 *
 * `reading` has no index on file_id (loading would pay for it), so each load records per turbine
 * the time range it loaded (`file_turbine_range`): an older load's readings are then found by index
 * range scans of (turbine_id, ts).
 */

/** Records the time range per turbine of the readings a file loaded (beside its stats_pending notes). */
export async function recordFileRanges(client: PoolClient, fileId: number, ranges: TurbineRanges): Promise<void> {
  await client.query(
    `INSERT INTO file_turbine_range (file_id, turbine_id, ts_min, ts_max)
     SELECT $4, id, 'epoch'::timestamptz + lo * interval '1 millisecond', 'epoch'::timestamptz + hi * interval '1 millisecond'
       FROM unnest($1::int[], $2::bigint[], $3::bigint[]) AS r(id, lo, hi)
     ON CONFLICT (file_id, turbine_id) DO UPDATE SET ts_min = least(file_turbine_range.ts_min, EXCLUDED.ts_min),
                                                     ts_max = greatest(file_turbine_range.ts_max, EXCLUDED.ts_max)`,
    [ranges.turbineIds, ranges.tsMin, ranges.tsMax, fileId],
  );
}

/** The loads of `path` queued before `fileId` (a lower ledger id) that still hold readings. */
export async function findEarlierLoads(client: PoolClient, path: string, fileId: number): Promise<EarlierLoad[]> {
  const { rows } = await client.query<{ id: number; append_of_id: number | null }>(
    `SELECT f.id, f.append_of_id FROM ingested_file f
      WHERE f.path = $1 AND f.status = 'done' AND f.id < $2
        AND EXISTS (SELECT 1 FROM file_turbine_range g WHERE g.file_id = f.id)
      ORDER BY f.id`,
    [path, fileId],
  );
  return rows.map((r) => ({ id: r.id, appendOfId: r.append_of_id }));
}

/**
 * Which of `loadIds` hold a reading whose key the staged file (`load_staging`, before its upsert)
 * also has. One index probe of `reading` per staged row, as the upsert that follows makes.
 */
export async function findOverlappedLoads(client: PoolClient, loadIds: readonly number[]): Promise<number[]> {
  if (loadIds.length === 0) return [];
  const { rows } = await client.query<{ file_id: number }>(
    `SELECT DISTINCT r.file_id FROM load_staging s
       JOIN reading r ON r.turbine_id = s.turbine_id AND r.ts = s.ts
      WHERE r.file_id = ANY($1::int[])`,
    [loadIds],
  );
  return rows.map((r) => r.file_id);
}

/**
 * Removes the readings the superseded loads still hold (run after the new file's upsert, so what
 * remains is what the new version lacks; a reading a later file replaced carries that file's id
 * and stays), notes their ranges for the stats run as `fileId`'s, and forgets the loads' ranges:
 * they hold nothing any more. The DELETE trigger on `reading` records the reading counts. Returns
 * how many readings were removed.
 */
export async function removeSupersededReadings(client: PoolClient, fileId: number, loadIds: readonly number[]): Promise<number> {
  if (loadIds.length === 0) return 0;
  const { rows } = await client.query<{ n: number }>(
    `WITH removed AS (
       DELETE FROM reading r USING file_turbine_range g
        WHERE g.file_id = ANY($2::int[]) AND r.turbine_id = g.turbine_id AND r.ts BETWEEN g.ts_min AND g.ts_max
          AND r.file_id = g.file_id
       RETURNING r.turbine_id, r.ts
     ), noted AS (
       INSERT INTO stats_pending (turbine_id, ts_min, ts_max, file_id)
       SELECT turbine_id, min(ts), max(ts), $1 FROM removed GROUP BY turbine_id
     ), forgotten AS (
       DELETE FROM file_turbine_range WHERE file_id = ANY($2::int[])
     )
     SELECT count(*)::int AS n FROM removed`,
    [fileId, loadIds],
  );
  return rows[0]?.n ?? 0;
}
