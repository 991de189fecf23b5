import type { Queryable } from '../db/pool.js';

/** Why most of a file's rejected lines were rejected, with the first such line as an example. */
export interface MainRejection {
  /** The most common reason (ties: the reason whose first line comes first). */
  reason: string;
  /** Lines rejected for that reason. */
  count: number;
  /** The first line rejected for that reason, and its detail (which names the formats accepted). */
  line: number;
  detail: string;
}

/**
 * The main reason a file's lines were rejected, for a summary that must say why a file loaded
 * little or nothing; null when no line was rejected. Reads only the file's own rejected lines (the
 * primary key starts with file_id).
 */
export async function readMainRejection(db: Queryable, fileId: number): Promise<MainRejection | null> {
  const { rows } = await db.query<{ reason: string; count: number; line: number; detail: string }>(
    `WITH main AS (
       SELECT reason, count(*)::int AS count, min(line) AS line FROM rejected_row
        WHERE file_id = $1 GROUP BY reason ORDER BY count(*) DESC, min(line) LIMIT 1)
     SELECT main.reason::text AS reason, main.count, main.line, r.detail
       FROM main JOIN rejected_row r ON r.file_id = $1 AND r.line = main.line`,
    [fileId],
  );
  return rows[0] ?? null;
}
