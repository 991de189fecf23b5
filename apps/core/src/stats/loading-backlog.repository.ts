import type { Queryable } from '../db/pool.js';
import type { LoadingBacklog } from '../domain/stats-deferral.js';

/**
 * The ledger's loading backlog (see domain/stats-deferral.ts). A load counts as waiting for its
 * statistics when it committed after the last completed run began: a run's snapshot is taken at
 * its start, so a load that committed later is not in its results.
 */
export async function readLoadingBacklog(db: Queryable): Promise<LoadingBacklog> {
  const { rows } = await db.query<{ files_loading: number; oldest_waiting_seconds: number | null }>(
    `WITH last_run AS (
       SELECT started_at FROM stats_run WHERE status = 'done' ORDER BY id DESC LIMIT 1
     )
     SELECT (SELECT count(*) FROM ingested_file WHERE status IN ('queued', 'processing'))::int AS files_loading,
            EXTRACT(EPOCH FROM clock_timestamp() - (
              SELECT min(finished_at) FROM ingested_file
               WHERE status = 'done'
                 AND finished_at > COALESCE((SELECT started_at FROM last_run), '-infinity'::timestamptz)
            ))::float8 AS oldest_waiting_seconds`,
  );
  const row = rows[0];
  return { filesLoading: row?.files_loading ?? 0, oldestWaitingSeconds: row?.oldest_waiting_seconds ?? null };
}
