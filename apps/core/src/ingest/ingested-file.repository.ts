import type { Queryable } from '../db/pool.js';
import type { FileStatus } from '../domain/enums.js';

/**
 * The ingest ledger (`ingested_file`): one row per file seen, from queued to its final status.
 * `finished_at` reads the clock (clock_timestamp), not the transaction's start (now()): the final
 * update runs in the load's transaction, just before its commit, and must say when that was.
 */

export type { FileStatus };

export interface LedgerCounts {
  rowsTotal: number;
  rowsLoaded: number;
  rowsImputed: number;
  rowsDuplicate: number;
  rowsRejected: number;
}

export interface PreviousLoad {
  id: number;
  sha256: string;
  sizeBytes: number;
  lastLine: number;
  /** The header line it was read with (null for loads recorded before it was kept). */
  header: string | null;
}

/**
 * Records a file as queued. Repeated events for the same path and content while it is still in
 * flight find the existing row (a partial unique index guards this), so they queue one ingest.
 */
export async function queueFile(
  db: Queryable,
  path: string,
  sha256: string | null,
  sizeBytes: number | null,
): Promise<{ id: number; created: boolean }> {
  const inserted = await db.query<{ id: number }>(
    `INSERT INTO ingested_file (path, sha256, size_bytes, status) VALUES ($1, $2, $3, 'queued')
     ON CONFLICT (path, sha256) WHERE status IN ('queued', 'processing') DO NOTHING
     RETURNING id`,
    [path, sha256, sizeBytes],
  );
  if (inserted.rows[0]) return { id: inserted.rows[0].id, created: true };
  const existing = await db.query<{ id: number }>(
    `SELECT id FROM ingested_file WHERE path = $1 AND sha256 = $2 AND status IN ('queued', 'processing')`,
    [path, sha256],
  );
  if (!existing.rows[0]) return queueFile(db, path, sha256, sizeBytes); // it finished in between: queue anew
  return { id: existing.rows[0].id, created: false };
}

/**
 * Returns false when the row has already reached a final status (a retry after success). Records
 * the input profile the file is read with (null: the canonical layout).
 */
export async function markProcessing(db: Queryable, id: number, profile: string | null = null): Promise<boolean> {
  const result = await db.query(
    `UPDATE ingested_file SET status = 'processing', started_at = now(), attempts = attempts + 1, profile = $2
      WHERE id = $1 AND status IN ('queued', 'processing')`,
    [id, profile],
  );
  return result.rowCount === 1;
}

export interface LedgerRow {
  id: number;
  path: string;
  status: FileStatus;
  error: string | null;
  finalPath: string | null;
  /** Why the file is still in the inbox though its ingest ended (a move that failed); null otherwise. */
  moveError: string | null;
  duplicateOfId: number | null;
  /** The size and SHA-256 of the content the row stands for (null until fingerprinted). */
  sizeBytes: number | null;
  sha256: string | null;
  counts: LedgerCounts;
}

export async function findFile(db: Queryable, id: number, options: { forUpdate?: boolean } = {}): Promise<LedgerRow | null> {
  const { rows } = await db.query<{
    id: number;
    path: string;
    status: FileStatus;
    error: string | null;
    final_path: string | null;
    move_error: string | null;
    duplicate_of_id: number | null;
    size_bytes: string | null;
    sha256: string | null;
    rows_total: number;
    rows_loaded: number;
    rows_imputed: number;
    rows_duplicate: number;
    rows_rejected: number;
  }>(
    `SELECT id, path, status, error, final_path, move_error, duplicate_of_id, size_bytes, sha256,
            rows_total, rows_loaded, rows_imputed, rows_duplicate, rows_rejected
       FROM ingested_file WHERE id = $1 ${options.forUpdate ? 'FOR UPDATE' : ''}`,
    [id],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id,
    path: r.path,
    status: r.status,
    error: r.error,
    finalPath: r.final_path,
    moveError: r.move_error,
    duplicateOfId: r.duplicate_of_id,
    sizeBytes: r.size_bytes === null ? null : Number(r.size_bytes),
    sha256: r.sha256,
    counts: {
      rowsTotal: r.rows_total,
      rowsLoaded: r.rows_loaded,
      rowsImputed: r.rows_imputed,
      rowsDuplicate: r.rows_duplicate,
      rowsRejected: r.rows_rejected,
    },
  };
}

/** The latest successful load of the same path, the base for append detection. */
export async function findPreviousLoad(db: Queryable, path: string, excludeId: number): Promise<PreviousLoad | null> {
  // size_bytes is a bigint, which pg returns as a string.
  const { rows } = await db.query<{ id: number; sha256: string; size_bytes: string; last_line: number; header: string | null }>(
    `SELECT id, sha256, size_bytes, last_line, header FROM ingested_file
      WHERE path = $1 AND status = 'done' AND id <> $2 AND sha256 IS NOT NULL AND size_bytes IS NOT NULL
      ORDER BY finished_at DESC, id DESC LIMIT 1`,
    [path, excludeId],
  );
  const r = rows[0];
  return r ? { id: r.id, sha256: r.sha256, sizeBytes: Number(r.size_bytes), lastLine: r.last_line, header: r.header } : null;
}

/** The load that already stored this exact content, if any. */
export async function findLoadedContent(db: Queryable, sha256: string): Promise<number | null> {
  const { rows } = await db.query<{ id: number }>(`SELECT id FROM ingested_file WHERE sha256 = $1 AND status = 'done' LIMIT 1`, [sha256]);
  return rows[0]?.id ?? null;
}

export async function finishDuplicate(db: Queryable, id: number, sha256: string, sizeBytes: number, duplicateOfId: number): Promise<void> {
  await db.query(
    `UPDATE ingested_file SET status = 'duplicate', sha256 = $2, size_bytes = $3, duplicate_of_id = $4,
            error = NULL, finished_at = clock_timestamp() WHERE id = $1`,
    [id, sha256, sizeBytes, duplicateOfId],
  );
}

export interface DoneRecord {
  sha256: string;
  sizeBytes: number;
  counts: LedgerCounts;
  startOffset: number;
  appendOfId: number | null;
  lastLine: number;
  ignoredColumns: string[];
  /** The header line the content was read with. */
  header?: string | null;
  /** Readings of older loads of the same path that this version lacked, removed (superseded-readings.repository.ts). */
  rowsSuperseded?: number;
}

export async function finishDone(db: Queryable, id: number, done: DoneRecord): Promise<void> {
  const c = done.counts;
  await db.query(
    `UPDATE ingested_file SET status = 'done', sha256 = $2, size_bytes = $3,
            rows_total = $4, rows_loaded = $5, rows_imputed = $6, rows_duplicate = $7, rows_rejected = $8,
            start_offset = $9, append_of_id = $10, last_line = $11, ignored_columns = $12, header = $13,
            rows_superseded = $14, error = NULL, finished_at = clock_timestamp()
      WHERE id = $1`,
    [
      id,
      done.sha256,
      done.sizeBytes,
      c.rowsTotal,
      c.rowsLoaded,
      c.rowsImputed,
      c.rowsDuplicate,
      c.rowsRejected,
      done.startOffset,
      done.appendOfId,
      done.lastLine,
      done.ignoredColumns,
      done.header ?? null,
      done.rowsSuperseded ?? 0,
    ],
  );
}

export async function finishFailed(
  db: Queryable,
  id: number,
  error: string,
  fingerprint?: { sha256: string; sizeBytes: number },
): Promise<void> {
  await db.query(
    `UPDATE ingested_file SET status = 'failed', error = $2,
            sha256 = COALESCE($3, sha256), size_bytes = COALESCE($4, size_bytes), finished_at = clock_timestamp()
      WHERE id = $1`,
    [id, error, fingerprint?.sha256 ?? null, fingerprint?.sizeBytes ?? null],
  );
}

/**
 * Fails a row that is still in flight (queued or processing), as when its job gave up; a row that
 * reached a final status meanwhile is left as it is. Returns whether the row was failed.
 */
export async function failInFlight(db: Queryable, id: number, error: string): Promise<boolean> {
  const result = await db.query(
    `UPDATE ingested_file SET status = 'failed', error = $2, finished_at = clock_timestamp()
      WHERE id = $1 AND status IN ('queued', 'processing')`,
    [id, error],
  );
  return result.rowCount === 1;
}

/**
 * Where another row's job put the same content found at the same path: two events for one file
 * can each get a row (the second one arriving after the first load committed, before it moved the
 * file), and whichever job moves the file first records the place for both.
 */
export async function findWhereContentWent(db: Queryable, path: string, sha256: string, excludeId: number): Promise<string | null> {
  const { rows } = await db.query<{ final_path: string }>(
    `SELECT final_path FROM ingested_file
      WHERE path = $1 AND sha256 = $2 AND id <> $3 AND final_path IS NOT NULL AND final_path <> path
      ORDER BY id DESC LIMIT 1`,
    [path, sha256, excludeId],
  );
  return rows[0]?.final_path ?? null;
}

/**
 * Records where a file goes. Earlier loads of the same file that left it in place (it had grown
 * since they read it; their final_path is its place in the inbox) go with it.
 */
export async function recordFinalPath(db: Queryable, id: number, finalPath: string | null): Promise<void> {
  await db.query(
    `UPDATE ingested_file SET final_path = $2
      WHERE id = $1
         OR (final_path = (SELECT path FROM ingested_file WHERE id = $1) AND final_path = path AND $2::text IS DISTINCT FROM path)`,
    [id, finalPath],
  );
}

/**
 * Removes a row that is still queued or processing when another row has already finished the same
 * path (and, when this row knows it, the same content): a late duplicate watcher event for a file
 * that was loaded meanwhile. Returns false when there is no such other row.
 */
export async function deleteSupersededRow(db: Queryable, id: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `DELETE FROM ingested_file f
      WHERE f.id = $1 AND f.status IN ('queued', 'processing')
        AND EXISTS (SELECT 1 FROM ingested_file o
                     WHERE o.path = f.path AND o.id <> f.id AND o.status IN ('done', 'duplicate', 'failed')
                       AND (f.sha256 IS NULL OR o.sha256 = f.sha256))`,
    [id],
  );
  return rowCount === 1;
}

/**
 * How many paths have a ledger row after `afterId` (the rows queued since a moment the caller
 * noted) that reached a final status (done, duplicate or failed). A path counts once, however
 * many rows it has.
 */
export async function countFinishedFiles(db: Queryable, afterId = 0): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(DISTINCT path)::int AS n FROM ingested_file WHERE id > $1 AND status IN ('done', 'duplicate', 'failed')`,
    [afterId],
  );
  return rows[0]?.n ?? 0;
}

/**
 * A file whose ingest ended but which could not be moved out of the inbox: the row says where it
 * really is (its place in the inbox) and why it is still there, until a later try moves it.
 */
export async function recordMoveWait(db: Queryable, id: number, inboxPath: string, reason: string): Promise<void> {
  await db.query(`UPDATE ingested_file SET final_path = $2, move_error = $3 WHERE id = $1`, [id, inboxPath, reason]);
}

/**
 * Ends a file's wait to be moved: it has moved to `finalPath`, or it left the inbox by other means
 * (or was replaced) and its place is `finalPath` (null: unknown). Only this row changes. The wait
 * ends after the move, not when the place is recorded before it: until then a folder scan meeting
 * the file must still see it waiting.
 */
export async function endMoveWait(db: Queryable, id: number, finalPath: string | null): Promise<void> {
  await db.query(`UPDATE ingested_file SET final_path = $2, move_error = NULL WHERE id = $1 AND move_error IS NOT NULL`, [id, finalPath]);
}

/**
 * The latest row of this content at this path whose ingest ended, and whether its file waits to be
 * moved (moveError). A folder scan meeting that content at that path again asks enqueue-file.ts
 * whether the file is still that row's job's to move (waiting, or being moved right now) before
 * queuing it as a new file, which would be recorded as a duplicate of itself.
 */
export async function findIngestedAtPath(
  db: Queryable,
  path: string,
  sha256: string,
): Promise<{ id: number; moveError: string | null } | null> {
  const { rows } = await db.query<{ id: number; move_error: string | null }>(
    `SELECT id, move_error FROM ingested_file
      WHERE path = $1 AND sha256 = $2 AND status IN ('done', 'duplicate', 'failed')
      ORDER BY id DESC LIMIT 1`,
    [path, sha256],
  );
  const r = rows[0];
  return r ? { id: r.id, moveError: r.move_error } : null;
}

/**
 * queueFile for the watcher, unless the same content at the same path has finished under a row
 * newer than `judgedId` (the latest finished row the caller has already judged, 0 for none): such
 * a row's job may still be moving the file, so the caller judges it first (enqueue-file.ts). The
 * check and the insert are one statement: only a load committing while that statement runs can
 * slip through (the file then gets a duplicate row, as before). Returns null when such a row
 * exists; an ingest of the content still in flight is returned as queueFile returns it.
 */
export async function queueFileUnlessFinishedSince(
  db: Queryable,
  path: string,
  sha256: string,
  sizeBytes: number,
  judgedId: number,
): Promise<{ id: number; created: boolean } | null> {
  const inserted = await db.query<{ id: number }>(
    `INSERT INTO ingested_file (path, sha256, size_bytes, status)
     SELECT $1, $2, $3, 'queued'
      WHERE NOT EXISTS (SELECT 1 FROM ingested_file
                         WHERE path = $1 AND sha256 = $2 AND status IN ('done', 'duplicate', 'failed') AND id > $4)
     ON CONFLICT (path, sha256) WHERE status IN ('queued', 'processing') DO NOTHING
     RETURNING id`,
    [path, sha256, sizeBytes, judgedId],
  );
  if (inserted.rows[0]) return { id: inserted.rows[0].id, created: true };
  const existing = await db.query<{ id: number }>(
    `SELECT id FROM ingested_file WHERE path = $1 AND sha256 = $2 AND status IN ('queued', 'processing')`,
    [path, sha256],
  );
  return existing.rows[0] ? { id: existing.rows[0].id, created: false } : null;
}

/** How many files wait in the inbox to be moved (GET /health). */
export async function countFilesAwaitingMove(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ingested_file WHERE move_error IS NOT NULL`);
  return rows[0]?.n ?? 0;
}
