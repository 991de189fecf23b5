import { access, lstat } from 'node:fs/promises';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { CleaningSettings } from '@windmill/core/ingest/clean-records';
import type { CleanRunner } from '@windmill/core/ingest/clean-runner';
import { FileUnstableError } from '@windmill/core/ingest/errors';
import { disposeFailed, disposeLoaded, type DisposalDirs } from '@windmill/core/ingest/file-disposal';
import { fingerprintFile } from '@windmill/core/ingest/fingerprint';
import * as ledger from '@windmill/core/ingest/ingested-file.repository';
import { loadFile, type LoadOutcome } from '@windmill/core/ingest/load-file';
import { isConnectionError, outageDelayMs } from '@windmill/core/platform/outage';
import { ingestJobSchema } from '@windmill/core/platform/queues';
import { redactText } from '@windmill/core/platform/redact';
import type { InputProfile } from '@windmill/core/profiles/input-profile';
import { giveUp, isMovable } from './give-up.js';

export interface IngestProcessorDeps {
  pool: Pool;
  logger: Logger;
  settings: CleaningSettings;
  cleaner: CleanRunner;
  dirs: DisposalDirs;
  /** The watched folder: files are read only when they are regular files inside it. */
  inbox?: string;
  /** Input profiles (INPUT_PROFILES), matched against the path relative to `inbox`. */
  profiles?: readonly InputProfile[];
  /** While Postgres or Redis is unreachable: the first wait and the longest (OUTAGE_BACKOFF_MAX_SECONDS). */
  outage?: { baseMs: number; maxMs: number };
}

export interface IngestJobResult {
  fileId: number;
  status: LoadOutcome['status'] | 'vanished';
  finalPath: string | null;
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}

/**
 * The ingest-file job: load (core) -> move the file -> report. What happens on trouble:
 *
 * - Postgres or Redis unreachable: the job is put back in the delayed set (moveToDelayed, which
 *   uses no attempt) with a delay doubling up to `outage.maxMs`, for as long as the outage lasts.
 * - a file that cannot be read as telemetry: moved to the failed folder, the job fails at once
 *   (UnrecoverableError, no pointless retries).
 * - anything else: BullMQ retries with backoff; when the last attempt fails too, the ledger row
 *   is failed with the error and the file moved to the failed folder (give-up.ts), so no row is
 *   ever left `queued` or `processing` behind a dead job.
 */
export function createIngestProcessor(deps: IngestProcessorDeps) {
  const outage = deps.outage ?? { baseMs: 2_000, maxMs: 60_000 };
  return async (job: Job, token?: string): Promise<IngestJobResult> => {
    const parsed = ingestJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid ingest job payload: ${parsed.error.message}`);
    const { fileId, path } = parsed.data;
    const log = deps.logger.child({ queue: job.queueName, jobId: job.id, fileId, file: path });

    const waitForOutage = async (error: unknown): Promise<never> => {
      // Each start of the job after a delay counts in attemptsStarted but not in attemptsMade.
      const waitsSoFar = Math.max(0, (job.attemptsStarted ?? 1) - job.attemptsMade - 1);
      const delayMs = outageDelayMs(waitsSoFar, outage.baseMs, outage.maxMs);
      log.warn(
        { err: redactText((error as Error).message ?? String(error)), delayMs, waitsSoFar },
        'database or queue unreachable: the file waits for it (no attempt used)',
      );
      await job.moveToDelayed(Date.now() + delayMs, token);
      throw new DelayedError();
    };

    try {
      return await oneAtATimePerPath(deps.pool, path, () => ingest(deps, log, fileId, path));
    } catch (error) {
      if (error instanceof UnrecoverableError) throw error;
      if (token !== undefined && (isConnectionError(error) || !(await databaseAnswers(deps.pool)))) return waitForOutage(error);
      const attempts = job.opts.attempts ?? 1;
      const attempt = job.attemptsMade + 1;
      if (attempt < attempts) {
        log.warn({ err: redactText((error as Error).message), attempt, attempts }, 'ingest attempt failed; will retry');
        throw error;
      }
      let reason: string;
      try {
        reason = await giveUp(deps, log, fileId, path, `gave up after ${attempts} attempts: ${(error as Error).message}`);
      } catch (settling) {
        // The outage began while settling: wait for it; the last attempt runs again afterwards.
        if (isConnectionError(settling) && token !== undefined) return waitForOutage(settling);
        throw settling;
      }
      throw new UnrecoverableError(reason);
    }
  };
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

async function ingest(deps: IngestProcessorDeps, log: Logger, fileId: number, path: string): Promise<IngestJobResult> {
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
    throw new UnrecoverableError(outcome.error);
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
  return { fileId, status: outcome.status, finalPath };
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
async function settleVanished(deps: IngestProcessorDeps, log: Logger, fileId: number): Promise<IngestJobResult> {
  const superseded = await ledger.deleteSupersededRow(deps.pool, fileId);
  if (superseded) {
    log.info('file already ingested by an earlier event; dropping the repeated one');
  } else {
    await ledger.finishFailed(deps.pool, fileId, 'the file disappeared before it could be read (moved or deleted by someone else)');
    log.warn('file vanished before it was read');
  }
  return { fileId, status: 'vanished', finalPath: null };
}
