import { access, lstat } from 'node:fs/promises';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { isConnectionError, isQueryTimeout } from '../platform/outage.js';
import { FileUnstableError } from './errors.js';
import { disposeFailed, disposeLoaded, type DisposalDirs } from './file-disposal.js';
import { fingerprintFile } from './fingerprint.js';
import { giveUp, isMovable } from './give-up.js';
import * as ledger from './ingested-file.repository.js';
import { loadFile, type LoadDeps, type LoadOutcome } from './load-file.js';

/**
 * The use case "ingest one queued file": load it (load-file.ts) under a per-path lock, move it to
 * the processed or failed folder, and say what happened. The BullMQ processor maps the outcome to
 * BullMQ's errors and nothing else; tests call it directly.
 */

export interface IngestFileDeps extends Omit<LoadDeps, 'onProgress'> {
  dirs: DisposalDirs;
}

/** Which attempt this is, and whether an outage can be waited out (a queue job can; a direct call cannot). */
export interface Attempt {
  number: number;
  of: number;
  canWaitForDatabase: boolean;
}

export type IngestOutcome =
  /** Loaded (or recorded as a duplicate, or settled by an earlier attempt) and moved where it belongs. */
  | { kind: 'settled'; fileId: number; status: LoadOutcome['status']; finalPath: string | null }
  /** The file vanished before it could be read. */
  | { kind: 'vanished'; fileId: number }
  /** The file cannot be read as telemetry: failed and moved to the failed folder. Permanent. */
  | { kind: 'failed'; fileId: number; error: string; finalPath: string | null }
  /** Postgres or Redis is unreachable: wait for it; no attempt is used. */
  | { kind: 'wait-for-database'; error: unknown }
  /** Something else went wrong: try again later (attempts are left). */
  | { kind: 'retry'; error: unknown }
  /** The last attempt failed too: the row is failed and the file moved aside. */
  | { kind: 'gave-up'; reason: string };

/**
 * What happens on trouble:
 * - Postgres or Redis unreachable: `wait-for-database` for as long as the outage lasts.
 * - a statement or lock timeout (a table locked for long, a database's statement_timeout set too
 *   short): `wait-for-database` too; the file is fine and must not use up its attempts.
 * - a file that cannot be read as telemetry: moved to the failed folder, `failed` (no retries).
 * - anything else: `retry`; when the last attempt fails too, the ledger row is failed with the
 *   error and the file moved to the failed folder (give-up.ts), so no row is ever left `queued`
 *   or `processing` behind a dead job.
 */
export async function ingestQueuedFile(
  deps: IngestFileDeps,
  file: { fileId: number; path: string },
  attempt: Attempt,
  log: Logger,
): Promise<IngestOutcome> {
  try {
    return await oneAtATimePerPath(deps.pool, file.path, () => ingest(deps, log, file.fileId, file.path));
  } catch (error) {
    if (attempt.canWaitForDatabase && (isConnectionError(error) || isQueryTimeout(error) || !(await databaseAnswers(deps.pool)))) {
      return { kind: 'wait-for-database', error };
    }
    if (attempt.number < attempt.of) return { kind: 'retry', error };
    try {
      const reason = await giveUp(deps, log, file.fileId, file.path, `gave up after ${attempt.of} attempts: ${(error as Error).message}`);
      return { kind: 'gave-up', reason };
    } catch (settling) {
      // The outage began while settling: wait for it; the last attempt runs again afterwards.
      if ((isConnectionError(settling) || isQueryTimeout(settling)) && attempt.canWaitForDatabase)
        return { kind: 'wait-for-database', error: settling };
      throw settling;
    }
  }
}

/** Advisory lock namespace ('WINP') for the paths being loaded. */
const PATH_LOCK_NAMESPACE = 0x57_49_4e_50;

/**
 * Loads of one path run one after the other, across worker processes: two jobs for the same path
 * (a file and, queued while it loaded, its grown version; or a repeated event) must each see the
 * other's outcome, or the second would judge append, continuation or duplicate against a stale
 * ledger and could move a file the first has not settled. A session advisory lock on a connection
 * of its own; it dies with the connection if the process does.
 */
async function oneAtATimePerPath<T>(pool: Pool, path: string, task: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let healthy = true;
  try {
    await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [PATH_LOCK_NAMESPACE, path]);
    try {
      return await task();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [PATH_LOCK_NAMESPACE, path]).catch(() => {
        healthy = false; // closing the connection releases the lock
      });
    }
  } catch (error) {
    if (isConnectionError(error)) healthy = false;
    throw error;
  } finally {
    client.release(!healthy);
  }
}

/**
 * A connection killed under a COPY surfaces as whatever the driver was doing at the time (even a
 * TypeError from inside pg), so an unrecognised error is followed by a question to the database:
 * no answer within a few seconds means an outage.
 */
async function databaseAnswers(pool: Pool): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), 5_000);
  });
  try {
    return await Promise.race([pool.query('SELECT 1').then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}

async function ingest(deps: IngestFileDeps, log: Logger, fileId: number, path: string): Promise<IngestOutcome> {
  let outcome: LoadOutcome;
  try {
    outcome = await loadFile({ ...deps, logger: log }, { fileId, path });
  } catch (error) {
    if (error instanceof FileUnstableError && !(await exists(path))) return settleVanished(deps, log, fileId);
    throw error;
  }
  // The place is recorded before the file moves: a crash or outage right after the move leaves
  // the row pointing at the file, never `done` with no place (see disposeLoaded).
  const record = (target: string | null) => ledger.recordFinalPath(deps.pool, fileId, target);

  if (outcome.status === 'failed') {
    // A refused entry (a link, a FIFO...) stays where it is: moving it would gain nothing, and
    // the failed row in the ledger says why it was not read.
    const movable = await isMovable(path, deps.inbox);
    const finalPath = movable ? await disposeFailed(path, fileId, outcome.error, deps.dirs, new Date(), record) : null;
    log.warn({ finalPath, reason: outcome.error }, movable ? 'file moved to the failed folder' : 'file failed and left in place');
    return { kind: 'failed', fileId, error: outcome.error, finalPath };
  }

  // done, duplicate, or finished by an earlier attempt that crashed or lost the database before
  // (or after) moving the file.
  const row = await ledger.findFile(deps.pool, fileId);
  if (!row) throw new Error(`ingested_file ${fileId} does not exist`);
  let finalPath = row.finalPath;
  const movable = await isMovable(path, deps.inbox);
  if (movable && row.status === 'failed' && (await holdsContent(path, row, deps.inbox))) {
    finalPath = await disposeFailed(path, fileId, row.error ?? 'failed', deps.dirs, new Date(), record);
  } else if (movable && (await holdsContent(path, row, deps.inbox))) {
    finalPath = await disposeLoaded(path, fileId, deps.dirs, record);
  } else if (movable && row.sizeBytes !== null && (await lstat(path)).size > row.sizeBytes) {
    // Lines were appended after the content was read: moving the file now would carry them off
    // unloaded. It stays; the watcher sees the change and the next load takes only the new lines.
    finalPath = path;
    await record(path);
    log.info({ loadedBytes: row.sizeBytes }, 'file grew after it was loaded: left in place for its new lines');
  } else if (finalPath === null && row.sha256 !== null && row.status !== 'failed') {
    // What is at the path now is not what this row loaded (or nothing is): the job of a repeated
    // event for the same file moved it, or the writer's next file arrived. Never move that one.
    finalPath = await ledger.findWhereContentWent(deps.pool, path, row.sha256, fileId);
    if (finalPath !== null) await record(finalPath);
  }
  log.info({ status: outcome.status, finalPath }, 'ingest job finished');
  return { kind: 'settled', fileId, status: outcome.status, finalPath };
}

/** Files up to this size are hashed again before they are moved; bigger ones are compared by size. */
const REHASH_MAX_BYTES = 16 * 1024 * 1024;

/**
 * Whether the file at `path` is still the content the row stands for, so that moving it moves
 * that content and not a newer file at the same path (a slow writer's next lines can be exactly
 * as long as the previous ones).
 */
async function holdsContent(path: string, row: ledger.LedgerRow, inbox: string | undefined): Promise<boolean> {
  if (row.sizeBytes === null || row.sha256 === null) return true; // nothing to compare with: as before
  const size = (await lstat(path)).size;
  if (size !== row.sizeBytes) return false;
  if (size > REHASH_MAX_BYTES) return true;
  return (await fingerprintFile(path, undefined, { root: inbox })).sha256 === row.sha256;
}

/**
 * The file is gone before it could be read. When the same path was ingested by another ledger row
 * in the meantime (a late duplicate watcher event), this row never stood for a real drop and is
 * removed; otherwise the row is failed with a plain explanation.
 */
async function settleVanished(deps: IngestFileDeps, log: Logger, fileId: number): Promise<IngestOutcome> {
  const superseded = await ledger.deleteSupersededRow(deps.pool, fileId);
  if (superseded) {
    log.info('file already ingested by an earlier event; dropping the repeated one');
  } else {
    await ledger.finishFailed(deps.pool, fileId, 'the file disappeared before it could be read (moved or deleted by someone else)');
    log.warn('file vanished before it was read');
  }
  return { kind: 'vanished', fileId };
}
