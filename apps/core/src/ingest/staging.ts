import { once } from 'node:events';
import type { Writable } from 'node:stream';
import copyStreams from 'pg-copy-streams';
import type { PoolClient } from 'pg';

/**
 * One file's outcomes travel to Postgres through a single COPY into a temporary table that lives
 * as long as the load transaction: readings (`r`) and rejected lines (`x`) share it because one
 * connection can run one COPY at a time. Lines are batched into large writes; the stream's
 * back-pressure is honoured so memory stays bounded however big the file.
 */

const CREATE_STAGING = `
CREATE TEMPORARY TABLE load_staging (
  kind        "char" NOT NULL,
  line        integer NOT NULL,
  turbine_id  integer,
  ts_ms       bigint,
  wind_speed  double precision,
  wind_direction double precision,
  power_output double precision,
  wind_speed_imputed boolean,
  wind_direction_imputed boolean,
  power_imputed boolean,
  reason      reject_reason,
  raw         text,
  detail      text
) ON COMMIT DROP`;

const COPY_STAGING = `COPY load_staging (kind, line, turbine_id, ts_ms, wind_speed, wind_direction, power_output,
  wind_speed_imputed, wind_direction_imputed, power_imputed, reason, raw, detail) FROM STDIN`;

export interface StagingWriter {
  /** Writes COPY text (whole lines); resolves when Postgres can take more. */
  write(text: string): Promise<void>;
  /** Ends the COPY; resolves once Postgres has every line. */
  close(): Promise<void>;
  /** Abandons the COPY (the transaction will roll back). */
  abort(error: Error): void;
}

export async function openStaging(client: PoolClient): Promise<StagingWriter> {
  await client.query(CREATE_STAGING);
  const copy: Writable = client.query(copyStreams.from(COPY_STAGING));
  // Failures reach the loader through write() and close(). A COPY whose connection died errors
  // once and errors again when the loader then aborts it; that second event must not go unheard
  // (it would crash the process).
  copy.on('error', () => undefined);
  const copyDone = once(copy, 'finish');
  copyDone.catch(() => undefined);
  return {
    async write(text) {
      if (!copy.write(text)) await Promise.race([once(copy, 'drain'), copyDone]);
    },
    async close() {
      copy.end();
      await copyDone;
    },
    abort(error) {
      copy.destroy(error);
    },
  };
}

const READING_COLUMNS = `turbine_id, ts, wind_speed, wind_direction, power_output,
  wind_speed_imputed, wind_direction_imputed, power_imputed, file_id`;

const STAGED_READINGS = `SELECT turbine_id, 'epoch'::timestamptz + ts_ms * interval '1 millisecond', wind_speed, wind_direction,
       power_output, wind_speed_imputed, wind_direction_imputed, power_imputed, $1::int
  FROM load_staging WHERE kind = 'r'
 ORDER BY turbine_id, ts_ms`;

/**
 * Moves the staged lines into the real tables. Readings upsert: for the same (turbine, timestamp)
 * the file with the higher ledger id (queued later) wins, whatever order the files commit in, so
 * loads need not wait for each other. Most files bring only new readings; one index probe per
 * turbine finds out, and then a plain insert does the job at half the cost of an upsert (should a
 * concurrent load commit the same keys first, the insert rolls back to a savepoint and upserts).
 * Inserts go in key order so that concurrent loads touching the same keys queue behind each other
 * instead of deadlocking.
 */
export async function applyStaging(client: PoolClient, fileId: number): Promise<{ overlapped: boolean }> {
  // The ordered insert sorts the file's rows; keep that sort in memory rather than on disk.
  await client.query(`SET LOCAL work_mem = '64MB'`);
  await client.query(`
    CREATE TEMPORARY TABLE load_ranges ON COMMIT DROP AS
    SELECT turbine_id,
           'epoch'::timestamptz + min(ts_ms) * interval '1 millisecond' AS ts_min,
           'epoch'::timestamptz + max(ts_ms) * interval '1 millisecond' AS ts_max
      FROM load_staging WHERE kind = 'r' GROUP BY turbine_id`);
  await client.query(`INSERT INTO turbine (id) SELECT turbine_id FROM load_ranges ORDER BY 1 ON CONFLICT (id) DO NOTHING`);
  const { rows } = await client.query<{ overlapped: boolean }>(`
    SELECT EXISTS (
      SELECT 1 FROM load_ranges g
       WHERE EXISTS (SELECT 1 FROM reading r WHERE r.turbine_id = g.turbine_id AND r.ts BETWEEN g.ts_min AND g.ts_max)
    ) AS overlapped`);
  const overlapped = rows[0]?.overlapped === true;
  if (!overlapped) {
    await client.query('SAVEPOINT plain_insert');
    try {
      await client.query(`INSERT INTO reading (${READING_COLUMNS}) ${STAGED_READINGS}`, [fileId]);
      await client.query('RELEASE SAVEPOINT plain_insert');
    } catch (error) {
      if (!isKeyConflict(error)) throw error;
      // Another load committed some of these keys meanwhile: upsert instead.
      await client.query('ROLLBACK TO SAVEPOINT plain_insert');
      await upsertStaged(client, fileId);
    }
  } else {
    await upsertStaged(client, fileId);
  }
  await client.query(
    `INSERT INTO stats_pending (turbine_id, ts_min, ts_max, file_id) SELECT turbine_id, ts_min, ts_max, $1 FROM load_ranges`,
    [fileId],
  );
  await client.query(
    `INSERT INTO rejected_row (file_id, line, raw, reason, detail)
     SELECT $1, line, raw, reason, detail FROM load_staging WHERE kind = 'x'`,
    [fileId],
  );
  return { overlapped };
}

async function upsertStaged(client: PoolClient, fileId: number): Promise<void> {
  await client.query(
    `INSERT INTO reading (${READING_COLUMNS}) ${STAGED_READINGS}
     ON CONFLICT (turbine_id, ts) DO UPDATE SET
       wind_speed = EXCLUDED.wind_speed,
       wind_direction = EXCLUDED.wind_direction,
       power_output = EXCLUDED.power_output,
       wind_speed_imputed = EXCLUDED.wind_speed_imputed,
       wind_direction_imputed = EXCLUDED.wind_direction_imputed,
       power_imputed = EXCLUDED.power_imputed,
       file_id = EXCLUDED.file_id
     WHERE reading.file_id <= EXCLUDED.file_id`,
    [fileId],
  );
}

/** A unique violation (23505), or a deadlock (40P01) with a load inserting the same keys. */
export function isKeyConflict(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === '40P01';
}
