import { stat } from 'node:fs/promises';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import type { CleanedTotals, CleaningSettings } from './clean-records.js';
import type { CleanRunner } from './clean-runner.js';
import type { CleanTaskResult } from './clean-task.js';
import { isContinuation } from '../domain/continuation.js';
import { FileFormatError, FileUnstableError } from './errors.js';
import { fingerprintFile, type Fingerprint } from './fingerprint.js';
import * as ledger from './ingested-file.repository.js';
import { applyStaging, openStaging } from './staging.js';

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
  /** Awaited just before the file's rows are written to the real tables (see runIngest's ordering). */
  beforeApply?: () => Promise<void>;
  /** The watched folder: a file whose real path lies elsewhere is refused (see safe-open.ts). */
  inbox?: string;
}

/** Content lock namespace ('WINC'): two loads of identical content queue behind each other. */
const CONTENT_LOCK_NAMESPACE = 0x57_49_4e_43;
const PROGRESS_EVERY_MS = 5_000;

/**
 * Loads one file, all or nothing: its readings, rejected lines, pending-stats marks and final
 * ledger row commit in one transaction, so a crash, a retry or two workers racing can never
 * double-count or half-load it. Content already loaded (same SHA-256) is recorded as a duplicate.
 * A file at a path loaded before, whose old content is a prefix of the new and ends a line, loads
 * only the appended lines. A file that cannot be read as telemetry ends `failed` (FileFormatError
 * is caught here); database errors are thrown for the caller to retry.
 */
export async function loadFile(deps: LoadDeps, file: { fileId: number; path: string }): Promise<LoadOutcome> {
  const log = deps.logger.child({ fileId: file.fileId, file: file.path });
  const started = Date.now();
  if (!(await ledger.markProcessing(deps.pool, file.fileId))) {
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
    const continues =
      !isAppend && !!previous?.header && fingerprint.firstLine !== undefined && isContinuation(fingerprint.firstLine, previous.header);
    const base = isAppend || continues ? previous : null;

    await client.query('BEGIN');
    inTransaction = true;
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
    if (isAppend) log.info({ appendOf: previous!.id, startOffset }, 'file grew by appended lines: loading only the new ones');
    if (continues)
      log.info({ continues: previous!.id }, 'file holds only new lines of the file loaded before at this path: read with its header');
    const stageStarted = Date.now();
    const totals = await stageFile(
      client,
      file.path,
      // An appended part or a continuation is read with the header kept for the earlier load: the
      // file's own first line is a data line when it is itself a continuation that grew.
      { startOffset, firstDataLine, expectedBytes: fingerprint.size - startOffset, header: base?.header ?? undefined },
      deps,
      log,
    );
    await deps.beforeApply?.();
    const applyStarted = Date.now();
    await applyStaging(client, file.fileId);
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
        ignoredColumns: totals.ignoredColumns.length > 0 ? totals.ignoredColumns : undefined,
        ms: Date.now() - started,
        // Where the time went: hashing, parse + clean + COPY into staging, upsert into the tables, commit.
        fingerprintMs: stageStarted - started,
        streamMs: applyStarted - stageStarted,
        applyMs: commitStarted - applyStarted,
        commitMs: Date.now() - commitStarted,
      },
      'file loaded',
    );
    return { status: 'done', fileId: file.fileId, totals, appendOfId: base ? base.id : null, startOffset };
  } catch (error) {
    if (inTransaction) await client.query('ROLLBACK').catch(() => undefined);
    if (error instanceof FileFormatError) {
      const fp = fingerprint ? { sha256: fingerprint.sha256, sizeBytes: fingerprint.size } : undefined;
      await ledger.finishFailed(deps.pool, file.fileId, error.message, fp);
      log.warn({ reason: error.message }, 'file failed: not readable as telemetry CSV');
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

/** Streams the file into the staging table; reads it a second time, sorting, if its rows are out of time order. */
async function stageFile(
  client: PoolClient,
  path: string,
  range: { startOffset: number; firstDataLine: number; expectedBytes: number; header?: string },
  deps: LoadDeps,
  log: Logger,
): Promise<CleanedTotals> {
  for (const mode of ['ordered', 'sorted'] as const) {
    await client.query('SAVEPOINT before_staging');
    const staging = await openStaging(client);
    let lastProgress = Date.now();
    let result: CleanTaskResult;
    try {
      result = await deps.cleaner.run({ path, ...range, settings: deps.settings, mode }, async (text, progress) => {
        await staging.write(text);
        if (Date.now() - lastProgress >= PROGRESS_EVERY_MS) {
          lastProgress = Date.now();
          log.info({ lines: progress.lines, bytes: progress.bytes, of: range.expectedBytes, mode }, 'loading file');
        }
      });
    } catch (error) {
      staging.abort(error as Error);
      throw error;
    }
    await staging.close();
    if (!result.ordered) {
      await client.query('ROLLBACK TO SAVEPOINT before_staging');
      log.info('rows are not in time order per turbine: reading the file again to sort them');
      continue;
    }
    if (result.bytesRead !== range.expectedBytes) {
      throw new FileUnstableError(`the file changed while it was read (${result.bytesRead} bytes read, ${range.expectedBytes} expected)`);
    }
    return result.totals;
  }
  throw new Error('unreachable: sorted mode always completes');
}
