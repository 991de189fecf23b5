import { access, lstat } from 'node:fs/promises';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { isConnectionError, isQueryTimeout } from '../platform/outage.js';
import { FileUnstableError } from './errors.js';
import { FILE_FAILED_MESSAGES } from './file-failed-messages.js';
import { disposeFailed, disposeLoaded, isMoveBlocked, movedFileCandidates, type DisposalDirs } from './file-disposal.js';
import { fingerprintFile } from './fingerprint.js';
import { giveUp, isMovable, ledgerError } from './give-up.js';
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
  /**
   * Ingested, but the file cannot leave the inbox (its folder read-only or full, the file
   * immutable): the ledger says so; try the move again later, as long as it takes; no attempt is used.
   */
  | { kind: 'wait-for-move'; fileId: number; error: unknown }
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
 * - a file ingested that the file system will not let move (see isMoveBlocked): `wait-for-move`,
 *   with the ledger row pointing at the file in the inbox and saying why, until a try succeeds.
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
      // Failed, but the failed folder refuses the file for now: it waits in the inbox like a loaded one.
      if (isMoveBlocked(settling)) return waitToMove(deps, log, file.fileId, file.path, null, settling);
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
    let finalPath: string | null = null;
    try {
      if (movable) finalPath = await disposeFailed(path, fileId, outcome.error, deps.dirs, new Date(), record);
    } catch (error) {
      if (!isMoveBlocked(error)) throw error;
      return waitToMove(deps, log, fileId, path, null, error);
    }
    log.warn({ finalPath, reason: outcome.error }, movable ? FILE_FAILED_MESSAGES.moved : FILE_FAILED_MESSAGES.leftInPlace);
    return { kind: 'failed', fileId, error: outcome.error, finalPath };
  }

  // done, duplicate, or finished by an earlier attempt that crashed or lost the database before
  // (or after) moving the file.
  const row = await ledger.findFile(deps.pool, fileId);
  if (!row) throw new Error(`ingested_file ${fileId} does not exist`);
  let finalPath = row.finalPath;
  let moved = false;
  const movable = await isMovable(path, deps.inbox);
  // A file waiting to be moved: its row says it is in the inbox until it has left (see recordAndMove).
  const order = { moveFirst: row.moveError !== null };
  try {
    if (movable && row.status === 'failed' && (await holdsContent(path, row, deps.inbox))) {
      finalPath = await disposeFailed(path, fileId, row.error ?? 'failed', deps.dirs, new Date(), record, order);
      moved = true;
    } else if (movable && (await holdsContent(path, row, deps.inbox))) {
      finalPath = await disposeLoaded(path, fileId, deps.dirs, record, order);
      moved = true;
    }
  } catch (error) {
    if (!isMoveBlocked(error)) throw error;
    return waitToMove(deps, log, fileId, path, row.moveError, error);
  }
  if (moved) {
    if (row.moveError !== null) {
      await ledger.endMoveWait(deps.pool, fileId, finalPath);
      log.info({ finalPath, waitedFor: row.moveError }, 'file moved out of the inbox after waiting');
    }
  } else if (movable && row.sizeBytes !== null && (await lstat(path)).size > row.sizeBytes) {
    // Lines were appended after the content was read: moving the file now would carry them off
    // unloaded. It stays; the watcher sees the change and the next load takes only the new lines.
    finalPath = path;
    await record(path);
    // A wait to be moved ends here: the grown file is the next load's, which moves it.
    if (row.moveError !== null) await ledger.endMoveWait(deps.pool, fileId, path);
    log.info({ loadedBytes: row.sizeBytes }, 'file grew after it was loaded: left in place for its new lines');
  } else if (finalPath === null && row.sha256 !== null && row.status !== 'failed') {
    // What is at the path now is not what this row loaded (or nothing is): the job of a repeated
    // event for the same file moved it, or the writer's next file arrived. Never move that one.
    finalPath = await ledger.findWhereContentWent(deps.pool, path, row.sha256, fileId);
    if (finalPath !== null) await record(finalPath);
  } else if (row.moveError !== null) {
    // The file that waited to be moved is no longer in the inbox as loaded: an earlier try moved it
    // and stopped before recording where (it is under one of the names the move takes), another
    // row's job moved it, or someone else moved, deleted or replaced it (its place is unknown).
    if (finalPath === path) finalPath = await whereTheMoveWent(deps, row, path);
    await ledger.endMoveWait(deps.pool, fileId, finalPath);
    log.warn({ finalPath }, 'the file waiting to be moved is no longer in the inbox as it was loaded: its wait ends');
  }
  log.info({ status: outcome.status, finalPath }, 'ingest job finished');
  return { kind: 'settled', fileId, status: outcome.status, finalPath };
}

/** Where a waiting file's own move put it, when that try stopped before recording it; else where another row's job did. */
async function whereTheMoveWent(deps: IngestFileDeps, row: ledger.LedgerRow, path: string): Promise<string | null> {
  if (deps.dirs.deleteAfterIngest && row.status !== 'failed') return null;
  if (row.sha256 === null) return null; // nothing to recognise it by
  const dir = row.status === 'failed' ? deps.dirs.failed : deps.dirs.processed;
  for (const candidate of movedFileCandidates(path, row.id, dir)) {
    if (await holdsContent(candidate, row, undefined).catch(() => false)) return candidate;
  }
  return ledger.findWhereContentWent(deps.pool, path, row.sha256, row.id);
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

/**
 * The file's ingest is over but the file system refuses its move for now. The ledger row says
 * where the file really is (its place in the inbox) and why (move_error); the error is logged once,
 * when the wait begins (`waitingSince` is the row's move_error before this try), and each later
 * try that fails again only at debug level.
 */
async function waitToMove(
  deps: IngestFileDeps,
  log: Logger,
  fileId: number,
  path: string,
  waitingSince: string | null,
  error: unknown,
): Promise<IngestOutcome> {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = ledgerError(`the file cannot be moved out of the inbox: ${(error as Error).message}`);
  await ledger.recordMoveWait(deps.pool, fileId, path, reason);
  if (waitingSince === null) {
    log.error(
      { finalPath: path, code, reason },
      'file cannot be moved out of the inbox: it stays there and the move is retried until it succeeds',
    );
  } else {
    log.debug({ code, reason }, 'file still cannot be moved out of the inbox');
  }
  return { kind: 'wait-for-move', fileId, error };
}
