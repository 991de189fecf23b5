import { access } from 'node:fs/promises';
import { UnrecoverableError, type Job } from 'bullmq';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { CleaningSettings } from '@windmill/core/ingest/clean-records';
import type { CleanRunner } from '@windmill/core/ingest/clean-runner';
import { FileUnstableError } from '@windmill/core/ingest/errors';
import { disposeFailed, disposeLoaded, type DisposalDirs } from '@windmill/core/ingest/file-disposal';
import * as ledger from '@windmill/core/ingest/ingested-file.repository';
import { loadFile, type LoadOutcome } from '@windmill/core/ingest/load-file';
import { openRegularFile } from '@windmill/core/ingest/safe-open';
import { ingestJobSchema } from '@windmill/core/platform/queues';

export interface IngestProcessorDeps {
  pool: Pool;
  logger: Logger;
  settings: CleaningSettings;
  cleaner: CleanRunner;
  dirs: DisposalDirs;
  /** The watched folder: files are read only when they are regular files inside it. */
  inbox?: string;
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
 * Only a regular file inside the watched folder is moved. A link, a FIFO, or a file reached
 * through a linked folder stays where it is: renaming `inbox/linked-folder/x.csv` would move a
 * file out of a folder Windmill has no business in.
 */
async function isMovable(p: string, inbox: string | undefined): Promise<boolean> {
  try {
    const { handle } = await openRegularFile(p, { root: inbox });
    await handle.close();
    return true;
  } catch {
    return false;
  }
}

/**
 * The ingest-file job: load (core) -> move the file -> report. Database trouble throws a plain
 * Error, so BullMQ retries with backoff; a file that cannot be read as telemetry is moved to the
 * failed folder and the job fails at once with UnrecoverableError (no pointless retries).
 */
export function createIngestProcessor(deps: IngestProcessorDeps) {
  return async (job: Job): Promise<IngestJobResult> => {
    const parsed = ingestJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid ingest job payload: ${parsed.error.message}`);
    const { fileId, path } = parsed.data;
    const log = deps.logger.child({ queue: job.queueName, jobId: job.id, fileId, file: path });

    let outcome: LoadOutcome;
    try {
      outcome = await loadFile({ ...deps, logger: log }, { fileId, path });
    } catch (error) {
      if (error instanceof FileUnstableError && !(await exists(path))) {
        return settleVanished(deps, log, fileId);
      }
      log.warn({ err: (error as Error).message, attempt: job.attemptsMade + 1 }, 'ingest attempt failed; will retry');
      throw error;
    }

    if (outcome.status === 'failed') {
      // A refused entry (a link, a FIFO...) stays where it is: moving it would gain nothing, and
      // the failed row in the ledger says why it was not read.
      const finalPath = (await isMovable(path, deps.inbox))
        ? await disposeFailed(path, fileId, outcome.error, deps.dirs, new Date())
        : null;
      await ledger.recordFinalPath(deps.pool, fileId, finalPath);
      log.warn({ finalPath, reason: outcome.error }, 'file moved to the failed folder');
      throw new UnrecoverableError(outcome.error);
    }
    // done, duplicate, or finished by an earlier attempt that crashed before moving the file.
    let finalPath: string | null = null;
    if (await exists(path)) {
      const row = outcome.status === 'finished-before' ? await ledger.findFile(deps.pool, fileId) : null;
      finalPath =
        row?.status === 'failed'
          ? await disposeFailed(path, fileId, row.error ?? 'failed', deps.dirs, new Date())
          : await disposeLoaded(path, fileId, deps.dirs);
      await ledger.recordFinalPath(deps.pool, fileId, finalPath);
    }
    log.info({ status: outcome.status, finalPath }, 'ingest job finished');
    return { fileId, status: outcome.status, finalPath };
  };
}

/**
 * The file is gone before it could be read. When the same path was ingested by another ledger row
 * in the meantime (a late duplicate watcher event), this row never stood for a real drop and is
 * removed; otherwise the row is failed with a plain explanation.
 */
async function settleVanished(deps: IngestProcessorDeps, log: Logger, fileId: number): Promise<IngestJobResult> {
  const { rowCount } = await deps.pool.query(
    `DELETE FROM ingested_file f
      WHERE f.id = $1 AND f.status IN ('queued', 'processing')
        AND EXISTS (SELECT 1 FROM ingested_file o
                     WHERE o.path = f.path AND o.id <> f.id AND o.status IN ('done', 'duplicate', 'failed')
                       AND (f.sha256 IS NULL OR o.sha256 = f.sha256))`,
    [fileId],
  );
  if (rowCount === 1) {
    log.info('file already ingested by an earlier event; dropping the repeated one');
  } else {
    await ledger.finishFailed(deps.pool, fileId, 'the file disappeared before it could be read (moved or deleted by someone else)');
    log.warn('file vanished before it was read');
  }
  return { fileId, status: 'vanished', finalPath: null };
}
