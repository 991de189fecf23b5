import { once } from 'node:events';
import type { Writable } from 'node:stream';
import copyStreams from 'pg-copy-streams';
import type { PoolClient } from 'pg';
import type { ChunkKind } from './clean-task.js';
import { rangeChunks, turbineIdChunks } from './turbine-ranges.js';
import type { LoadedRanges } from '../domain/loaded-ranges.js';
import { COPY_BINARY_HEADER, COPY_BINARY_TRAILER, READING_COPY_COLUMNS, REJECTION_COPY_COLUMNS } from './copy-binary.js';
import { supersededLoads, type EarlierLoad } from '../domain/superseded-loads.js';
import { countingInsertedRows, recordInsertedReadings } from './reading-count.repository.js';
import { findOverlappedLoads, recordFileRanges, removeSupersededReadings } from './superseded-readings.repository.js';

/**
 * Writes one file's outcomes inside its load transaction, each reading once. Target `reading`
 * (the common case, a file that brings only new keys) COPYs the readings straight into `reading`;
 * a key that is already there fails the COPY with a unique violation (or a deadlock with a
 * concurrent load), and the loader then rolls back to its savepoint and takes target `staging`:
 * COPY into a temporary table, then one upsert into `reading`. Rejected lines wait in a bounded
 * buffer and are COPYed into `rejected_row` between two stretches of the readings COPY, because
 * one connection runs one COPY at a time.
 */

export type WriteTarget = 'reading' | 'staging';

/** Rejections buffered before the readings COPY is paused to write them. */
const REJECTIONS_BUFFER_BYTES = 4 << 20;

export interface FileWriter {
  /** Writes a chunk of binary COPY rows; resolves when Postgres can take more. */
  write(kind: ChunkKind, chunk: Buffer): Promise<void>;
  /** Ends the COPYs; resolves once Postgres has every row. */
  close(): Promise<void>;
  /** Abandons a COPY in progress (the caller rolls back). */
  abandon(): Promise<void>;
}

interface CopyIn {
  write(chunk: Buffer): Promise<void>;
  end(): Promise<void>;
  abandon(): Promise<void>;
}

function startCopy(client: PoolClient, sql: string): CopyIn {
  const copy: Writable = client.query(copyStreams.from(sql));
  let failure: Error | null = null;
  let open = true;
  // Failures reach the loader through write() and end(). A COPY whose connection died errors
  // once and errors again when it is then abandoned; that second event must not go unheard.
  copy.on('error', (error: Error) => {
    failure ??= error;
    open = false;
  });
  const finished = once(copy, 'finish');
  finished.catch(() => undefined);
  copy.write(COPY_BINARY_HEADER);
  return {
    async write(chunk) {
      if (failure) throw failure;
      if (!copy.write(chunk)) await Promise.race([once(copy, 'drain'), finished]);
    },
    async end() {
      if (failure) throw failure;
      copy.end(COPY_BINARY_TRAILER);
      await finished;
      open = false;
    },
    async abandon() {
      if (!open) return;
      open = false;
      const closed = once(copy, 'close').catch(() => undefined);
      copy.destroy(new Error('load abandoned'));
      await closed;
    },
  };
}

export async function openFileWriter(client: PoolClient, target: WriteTarget): Promise<FileWriter> {
  if (target === 'staging') {
    await client.query(`CREATE TEMPORARY TABLE load_staging ON COMMIT DROP AS SELECT ${READING_COPY_COLUMNS} FROM reading WITH NO DATA`);
  }
  const readingsSql = `COPY ${target === 'staging' ? 'load_staging' : 'reading'} (${READING_COPY_COLUMNS}) FROM STDIN (FORMAT binary)`;
  let readings: CopyIn | null = null;
  let rejections: Buffer[] = [];
  let rejectionBytes = 0;
  const flushRejections = async () => {
    if (readings) {
      await readings.end();
      readings = null;
    }
    const copy = startCopy(client, `COPY rejected_row (${REJECTION_COPY_COLUMNS}) FROM STDIN (FORMAT binary)`);
    for (const chunk of rejections.splice(0)) await copy.write(chunk);
    rejectionBytes = 0;
    await copy.end();
  };
  return {
    async write(kind, chunk) {
      if (kind === 'rejections') {
        rejections.push(chunk);
        rejectionBytes += chunk.length;
        if (rejectionBytes >= REJECTIONS_BUFFER_BYTES) await flushRejections();
        return;
      }
      readings ??= startCopy(client, readingsSql);
      await readings.write(chunk);
    },
    async close() {
      if (rejections.length > 0) await flushRejections();
      else if (readings) await readings.end();
      readings = null;
    },
    async abandon() {
      rejections = [];
      await readings?.abandon();
      readings = null;
    },
  };
}

/**
 * Completes a written file in the real tables: for target `staging` the upsert, where for the same
 * (turbine, timestamp) the file with the higher ledger id (queued later) wins whatever order the
 * files commit in, inserted in key order so concurrent upserts queue instead of deadlocking; then
 * the reading counts, the turbines and the pending-stats ranges. The counts of the readings
 * inserted are recorded here (target `reading`: every row the COPY wrote, per turbine; `staging`:
 * the rows the upsert inserted, in the same statement); the rows it replaced are recorded by the
 * UPDATE trigger on `reading`. Turbines go last: a new turbine's row makes a concurrent load that
 * also brings it wait for this commit, which should come right after.
 *
 * `earlier`: for a file loaded as a whole, the earlier loads of its path. Those it shares a reading
 * with are superseded (domain/superseded-loads.ts): after the upsert, the readings they still hold
 * are removed. Only target `staging` can share one: a COPY straight into `reading` met no key
 * already stored. Returns how many readings were removed that way.
 */
export async function completeFile(
  client: PoolClient,
  target: WriteTarget,
  fileId: number,
  ranges: LoadedRanges,
  earlier: readonly EarlierLoad[] = [],
): Promise<{ rowsSuperseded: number }> {
  let superseded: number[] = [];
  if (target === 'staging') {
    // Which earlier loads share a reading with this file is asked before the upsert replaces them.
    const earlierIds = earlier.map((load) => load.id);
    superseded = supersededLoads(earlier, await findOverlappedLoads(client, earlierIds));
    // The ordered upsert sorts the file's rows; keep that sort in memory rather than on disk.
    await client.query(`SET LOCAL work_mem = '64MB'`);
    // A deadlock with a concurrent load's COPY (which inserts in file order) picks one victim; as
    // the upsert's victim, try again: the other load goes on and commits meanwhile.
    for (let attempt = 1; ; attempt++) {
      await client.query('SAVEPOINT upsert');
      try {
        await client.query(UPSERT_STAGED, [fileId]);
        await client.query('RELEASE SAVEPOINT upsert');
        break;
      } catch (error) {
        if ((error as { code?: unknown }).code !== '40P01' || attempt >= 5) throw error;
        await client.query('ROLLBACK TO SAVEPOINT upsert');
      }
    }
  }
  const rowsSuperseded = await removeSupersededReadings(client, fileId, superseded);
  if (ranges.turbineIds.length === 0) return { rowsSuperseded };
  // A statement per 20 000 turbines, in ascending order: a file may name a million of them.
  for (const chunk of rangeChunks(ranges)) {
    if (target === 'reading') await recordInsertedReadings(client, fileId, chunk);
    await recordFileRanges(client, fileId, chunk);
    await client.query(
      `INSERT INTO stats_pending (turbine_id, ts_min, ts_max, file_id)
       SELECT id, 'epoch'::timestamptz + lo * interval '1 millisecond', 'epoch'::timestamptz + hi * interval '1 millisecond', $4
         FROM unnest($1::int[], $2::bigint[], $3::bigint[]) AS r(id, lo, hi)`,
      [chunk.turbineIds, chunk.tsMin, chunk.tsMax, fileId],
    );
  }
  // Numbered turbines are named by their number; named ones (negative ids) were registered when
  // their names were first read (turbine.repository.ts).
  for (const turbineIds of turbineIdChunks(ranges)) {
    await client.query(
      `INSERT INTO turbine (id, name) SELECT id, id::text FROM unnest($1::int[]) AS id WHERE id > 0 ORDER BY 1 ON CONFLICT (id) DO NOTHING`,
      [turbineIds],
    );
  }
  return { rowsSuperseded };
}

const UPSERT_STAGED = countingInsertedRows(`
  INSERT INTO reading (${READING_COPY_COLUMNS})
  SELECT ${READING_COPY_COLUMNS} FROM load_staging ORDER BY turbine_id, ts
  ON CONFLICT (turbine_id, ts) DO UPDATE SET
    wind_speed = EXCLUDED.wind_speed,
    wind_direction = EXCLUDED.wind_direction,
    power_output = EXCLUDED.power_output,
    wind_speed_imputed = EXCLUDED.wind_speed_imputed,
    wind_direction_imputed = EXCLUDED.wind_direction_imputed,
    power_imputed = EXCLUDED.power_imputed,
    file_id = EXCLUDED.file_id
  WHERE reading.file_id <= EXCLUDED.file_id
  RETURNING turbine_id, xmax = 0 AS inserted`);

/** A unique violation (23505), or a deadlock (40P01) with a load inserting the same keys. */
export function isKeyConflict(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === '40P01';
}
