import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import type { CleanedTotals, CleaningSettings } from './clean-records.js';
import type { CleanRunner } from './clean-runner.js';
import type { CleanTaskResult } from './clean-task.js';
import { isContinuation } from '../domain/continuation.js';
import { DEFAULT_JOB_TIMEOUTS, setLocalTimeoutsSql, type QueryTimeouts } from '../db/timeouts.js';
import { childWith } from '../platform/logger.js';
import type { InputProfile } from '../profiles/input-profile.js';
import { selectProfile } from '../profiles/select-profile.js';
import { FileFormatError, FileUnstableError } from './errors.js';
import { fingerprintFile, type Fingerprint } from './fingerprint.js';
import * as ledger from './ingested-file.repository.js';
import { foldReadingCountsEvery, LOADER_FOLD_EVERY_MS } from './reading-count.repository.js';
import { completeFile, isKeyConflict, openFileWriter, type WriteTarget } from './reading-writer.js';
import { findEarlierLoads } from './superseded-readings.repository.js';
import type { EarlierLoad } from '../domain/superseded-loads.js';
import { allocateTurbineIds } from './turbine.repository.js';

export type LoadOutcome =
  | { status: 'done'; fileId: number; totals: CleanedTotals; appendOfId: number | null; startOffset: number }
  | { status: 'duplicate'; fileId: number; duplicateOfId: number }
  | { status: 'failed'; fileId: number; error: string }
  /** The ledger row had already reached a final status: a retry of a job that completed before. */
  | { status: 'finished-before'; fileId: number; previous: ledger.FileStatus };

export interface LoadDeps {
  pool: Pool;
  logger: Logger;
  settings: CleaningSettings;
  /** Where files are parsed and cleaned: parse threads, or the calling thread. */
  cleaner: CleanRunner;
  /** Told how far the file has been read, batch by batch (the CLI's progress bar). */
  onProgress?: (progress: { lines: number; bytes: number }) => void;
  /** The watched folder: a file whose real path lies elsewhere is refused (see safe-open.ts). */
  inbox?: string;
  /** Input profiles (INPUT_PROFILES); a file none matches is read in the canonical layout. */
  profiles?: readonly InputProfile[];
  /** Statement and lock timeouts of the load's transaction (JOB_STATEMENT_TIMEOUT_SECONDS); DEFAULT_JOB_TIMEOUTS when absent. */
  timeouts?: QueryTimeouts;
}

/** A file to load: its ledger row, its path, and the name profiles are matched against. */
export interface FileToLoad {
  fileId: number;
  path: string;
  /**
   * The path profiles' globs are matched against: relative to the watched folder or to the folder
   * given to `npm run ingest`. Default: relative to `inbox` when the file is inside it, else the bare name.
   */
  matchPath?: string;
}

/** The profile a file is read with (see select-profile.ts), or null for the canonical layout. */
export function profileForFile(
  deps: Pick<LoadDeps, 'inbox' | 'profiles'>,
  file: Pick<FileToLoad, 'path' | 'matchPath'>,
): InputProfile | null {
  if (!deps.profiles || deps.profiles.length === 0) return null;
  let matchPath = file.matchPath;
  if (matchPath === undefined) {
    const relative = deps.inbox ? path.relative(deps.inbox, file.path) : '';
    matchPath = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : path.basename(file.path);
  }
  return selectProfile(matchPath, deps.profiles);
}

/** Content lock namespace ('WINC'): two loads of identical content queue behind each other. */
const CONTENT_LOCK_NAMESPACE = 0x57_49_4e_43;
const PROGRESS_EVERY_MS = 5_000;

/**
 * Loads one file, all or nothing: its readings, rejected lines, pending-stats marks and final
 * ledger row commit in one transaction, so a crash, a retry or two workers racing can never
 * double-count or half-load it. Content already loaded (same SHA-256) is recorded as a duplicate.
 * A file at a path loaded before, whose old content is a prefix of the new and ends a line, loads
 * only the appended lines; loaded as a whole, it is a new version that supersedes the earlier
 * delivery it shares readings with (domain/superseded-loads.ts). A file that cannot be read as
 * telemetry ends `failed` (FileFormatError is caught here); database errors are thrown for the
 * caller to retry.
 */
export async function loadFile(deps: LoadDeps, file: FileToLoad): Promise<LoadOutcome> {
  const outcome = await loadOnce(deps, file);
  if (outcome.status === 'done') {
    // Committed, and the load's connection is back in the pool: what is left is housekeeping,
    // which must not fail the load (reading-count.repository.ts).
    await foldReadingCountsEvery(deps.pool, LOADER_FOLD_EVERY_MS).catch((error: unknown) => {
      childWith(deps.logger, { fileId: file.fileId }).warn(
        { err: (error as Error).message },
        'could not fold the reading counts; the next fold does',
      );
    });
  }
  return outcome;
}

async function loadOnce(deps: LoadDeps, file: FileToLoad): Promise<LoadOutcome> {
  const profile = profileForFile(deps, file);
  // The worker's logger already names the file; the batch load's does not.
  const log = childWith(deps.logger, { fileId: file.fileId, file: file.path, profile: profile?.name });
  const started = Date.now();
  if (!(await ledger.markProcessing(deps.pool, file.fileId, profile?.name ?? null))) {
    const row = await ledger.findFile(deps.pool, file.fileId);
    if (!row) throw new Error(`ingested_file ${file.fileId} does not exist`);
    return { status: 'finished-before', fileId: file.fileId, previous: row.status };
  }

  let fingerprint: Fingerprint | undefined;
  const client = await deps.pool.connect();
  let inTransaction = false;
  try {
    const size = await fileSize(file.path);
    const previous = await ledger.findPreviousLoad(client, file.path, file.fileId);
    fingerprint = await fingerprintFile(file.path, previous && previous.sizeBytes < size ? previous.sizeBytes : undefined, {
      root: deps.inbox,
    });
    const isAppend =
      previous !== null &&
      fingerprint.prefix !== undefined &&
      fingerprint.prefix.sha256 === previous.sha256 &&
      fingerprint.prefix.endsWithLineBreak;
    // A slow writer's later lines, in a new file without a header (see domain/continuation.ts).
    // Only in the canonical layout: a profile's file brings its own head every time.
    const continues =
      profile === null &&
      !isAppend &&
      !!previous?.header &&
      fingerprint.firstLine !== undefined &&
      isContinuation(fingerprint.firstLine, previous.header);
    const base = isAppend || continues ? previous : null;

    await client.query('BEGIN');
    inTransaction = true;
    // The load's own limits, whatever the database's defaults say (see db/timeouts.ts).
    await client.query(setLocalTimeoutsSql(deps.timeouts ?? DEFAULT_JOB_TIMEOUTS));
    // Serialises with any other worker holding the same ledger row (a stalled job run twice).
    const row = await ledger.findFile(client, file.fileId, { forUpdate: true });
    if (!row || (row.status !== 'processing' && row.status !== 'queued')) {
      await client.query('ROLLBACK');
      inTransaction = false;
      return { status: 'finished-before', fileId: file.fileId, previous: row?.status ?? 'failed' };
    }
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [CONTENT_LOCK_NAMESPACE, fingerprint.sha256]);
    const duplicateOf = await ledger.findLoadedContent(client, fingerprint.sha256);
    if (duplicateOf !== null) {
      await ledger.finishDuplicate(client, file.fileId, fingerprint.sha256, fingerprint.size, duplicateOf);
      await client.query('COMMIT');
      inTransaction = false;
      log.info({ duplicateOf, ms: Date.now() - started }, 'file content already loaded: recorded as duplicate');
      return { status: 'duplicate', fileId: file.fileId, duplicateOfId: duplicateOf };
    }

    const startOffset = isAppend ? previous!.sizeBytes : 0;
    const firstDataLine = base ? base.lastLine + 1 : 2;
    // Loaded as a whole at a path loaded before: a new version, which may supersede earlier ones.
    const earlier = base === null && previous !== null ? await findEarlierLoads(client, file.path, file.fileId) : [];
    if (isAppend) log.info({ appendOf: previous!.id, startOffset }, 'file grew by appended lines: loading only the new ones');
    if (continues)
      log.info({ continues: previous!.id }, 'file holds only new lines of the file loaded before at this path: read with its header');
    const stageStarted = Date.now();
    const { totals, target, rowsSuperseded } = await writeFile(
      client,
      // An appended part or a continuation is read with the header kept for the earlier load: the
      // file's own first line is a data line when it is itself a continuation that grew.
      {
        fileId: file.fileId,
        path: file.path,
        startOffset,
        firstDataLine,
        expectedBytes: fingerprint.size - startOffset,
        // A profile's appended part reads its head (preamble and header) from the file again.
        header: profile === null ? (base?.header ?? undefined) : undefined,
        profile,
        earlier,
      },
      deps,
      log,
    );
    const commitStarted = Date.now();
    await ledger.finishDone(client, file.fileId, {
      sha256: fingerprint.sha256,
      sizeBytes: fingerprint.size,
      counts: totals,
      startOffset,
      appendOfId: base ? base.id : null,
      lastLine: Math.max(totals.lastLine, base ? base.lastLine : 0),
      ignoredColumns: totals.ignoredColumns,
      header: base?.header ?? fingerprint.firstLine ?? null,
      rowsSuperseded,
    });
    await client.query('COMMIT');
    inTransaction = false;
    log.info(
      {
        rowsTotal: totals.rowsTotal,
        rowsLoaded: totals.rowsLoaded,
        rowsImputed: totals.rowsImputed,
        rowsDuplicate: totals.rowsDuplicate,
        rowsRejected: totals.rowsRejected,
        rowsSuperseded: rowsSuperseded > 0 ? rowsSuperseded : undefined,
        ignoredColumns: totals.ignoredColumns.length > 0 ? totals.ignoredColumns : undefined,
        ms: Date.now() - started,
        // Where the time went: hashing, parse + clean + COPY (and the upsert, when the file overlapped), commit.
        fingerprintMs: stageStarted - started,
        streamMs: commitStarted - stageStarted,
        commitMs: Date.now() - commitStarted,
        target,
      },
      'file loaded',
    );
    return { status: 'done', fileId: file.fileId, totals, appendOfId: base ? base.id : null, startOffset };
  } catch (error) {
    if (inTransaction) await client.query('ROLLBACK').catch(() => undefined);
    if (error instanceof FileFormatError) {
      const fp = fingerprint ? { sha256: fingerprint.sha256, sizeBytes: fingerprint.size } : undefined;
      await ledger.finishFailed(deps.pool, file.fileId, error.message, fp);
      // The caller tells the user (the worker's one warning, or the ingest summary's table).
      log.info({ reason: error.message }, 'file failed: not readable as telemetry CSV');
      return { status: 'failed', fileId: file.fileId, error: error.message };
    }
    throw error;
  } finally {
    client.release();
  }
}

async function fileSize(path: string): Promise<number> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new FileFormatError(`${path} is not a regular file`);
    return s.size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new FileUnstableError(`the file ${path} no longer exists`);
    throw error;
  }
}

/**
 * Writes the file's outcomes, each reading once. First straight into `reading`, in one pass when the
 * rows are in time order per turbine. Rows out of order: roll back to the savepoint and read the
 * file again, sorting. A key already in `reading` (an overlap with an earlier file, or a
 * concurrent load of the same keys): roll back and read it again into staging, then upsert.
 */
async function writeFile(
  client: PoolClient,
  file: {
    fileId: number;
    path: string;
    startOffset: number;
    firstDataLine: number;
    expectedBytes: number;
    header?: string | undefined;
    profile: InputProfile | null;
    /** Earlier loads of the path this file may supersede (see completeFile). */
    earlier: readonly EarlierLoad[];
  },
  deps: LoadDeps,
  log: Logger,
): Promise<{ totals: CleanedTotals; target: WriteTarget; rowsSuperseded: number }> {
  let mode: 'ordered' | 'sorted' = 'ordered';
  let target: WriteTarget = 'reading';
  for (;;) {
    await client.query('SAVEPOINT load_attempt');
    const writer = await openFileWriter(client, target);
    let lastProgress = Date.now();
    let result: CleanTaskResult;
    let rowsSuperseded = 0;
    try {
      const { fileId, startOffset, firstDataLine, header, profile } = file;
      result = await deps.cleaner.run(
        {
          path: file.path,
          fileId,
          startOffset,
          firstDataLine,
          header,
          settings: deps.settings,
          mode,
          profile,
          fileName: path.basename(file.path),
        },
        async (kind, chunk, progress) => {
          await writer.write(kind, chunk);
          deps.onProgress?.(progress);
          if (Date.now() - lastProgress >= PROGRESS_EVERY_MS) {
            lastProgress = Date.now();
            log.info({ lines: progress.lines, bytes: progress.bytes, of: file.expectedBytes, mode, target }, 'loading file');
          }
        },
        (names) => allocateTurbineIds(deps.pool, names),
      );
      if (result.ordered) {
        await writer.close();
        if (result.bytesRead !== file.expectedBytes) {
          throw new FileUnstableError(
            `the file changed while it was read (${result.bytesRead} bytes read, ${file.expectedBytes} expected)`,
          );
        }
        ({ rowsSuperseded } = await completeFile(client, target, fileId, result.ranges, file.earlier));
      }
    } catch (error) {
      await writer.abandon();
      if (target !== 'reading' || !isKeyConflict(error)) throw error;
      await client.query('ROLLBACK TO SAVEPOINT load_attempt');
      log.info({ code: (error as { code?: string }).code }, 'the file overlaps readings already stored: loading it again to upsert');
      target = 'staging';
      continue;
    }
    if (!result.ordered) {
      await writer.abandon();
      await client.query('ROLLBACK TO SAVEPOINT load_attempt');
      log.info('rows are not in time order per turbine: reading the file again to sort them');
      mode = 'sorted';
      continue;
    }
    await client.query('RELEASE SAVEPOINT load_attempt');
    if (rowsSuperseded > 0) log.info({ rowsSuperseded }, 'new version of the file: readings only the earlier version had are removed');
    return { totals: result.totals, target, rowsSuperseded };
  }
}
