import type { Job } from 'bullmq';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { disposeFailed, type DisposalDirs } from '@windmill/core/ingest/file-disposal';
import * as ledger from '@windmill/core/ingest/ingested-file.repository';
import { openRegularFile } from '@windmill/core/ingest/safe-open';
import { ingestJobSchema } from '@windmill/core/platform/queues';
import { redactText } from '@windmill/core/platform/redact';

/**
 * When a file's job stops for good without the file having been settled (its attempts used up,
 * or its worker killed mid-file too many times), the ledger row must not stay `queued` or
 * `processing` for ever: it is failed with the last error, and the file goes to the failed folder
 * with `<name>.error.json`, like any file that could not be loaded. Fixing it and dropping it into
 * the inbox again loads it anew.
 */

export interface GiveUpDeps {
  pool: Pool;
  dirs: DisposalDirs;
  inbox?: string;
}

/** Errors end up in the ledger, the API and .error.json: bounded, secrets masked. */
const MAX_ERROR_CHARS = 1_000;

export function ledgerError(message: string): string {
  const clean = redactText(message);
  return clean.length > MAX_ERROR_CHARS ? `${clean.slice(0, MAX_ERROR_CHARS)}…` : clean;
}

/**
 * Only a regular file inside the watched folder is moved. A link, a FIFO, or a file reached
 * through a linked folder stays where it is: renaming `inbox/linked-folder/x.csv` would move a
 * file out of a folder Windmill has no business in.
 */
export async function isMovable(p: string, inbox: string | undefined): Promise<boolean> {
  try {
    const { handle } = await openRegularFile(p, { root: inbox });
    await handle.close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Fails the row if it is still in flight and moves the file aside; returns the error recorded.
 * Database errors are thrown (the caller waits for the database and tries again).
 */
export async function giveUp(deps: GiveUpDeps, log: Logger, fileId: number, path: string, error: string): Promise<string> {
  const reason = ledgerError(error);
  if (!(await ledger.failInFlight(deps.pool, fileId, reason))) return reason; // settled meanwhile
  const record = (target: string | null) => ledger.recordFinalPath(deps.pool, fileId, target);
  const finalPath = (await isMovable(path, deps.inbox)) ? await disposeFailed(path, fileId, reason, deps.dirs, new Date(), record) : null;
  log.error({ fileId, file: path, finalPath, reason }, 'file failed: its job gave up');
  return reason;
}

/** BullMQ's words for a job whose worker died under it too often, in the ledger's words. */
function explain(failedReason: string, maxStalled: number): string {
  if (/stalled more than allowable limit/.test(failedReason)) {
    return `the worker stopped (killed, or out of memory) while loading this file more than ${maxStalled} times: not tried again`;
  }
  return failedReason;
}

/**
 * For the worker's `failed` event: a job that failed for good without its processor settling
 * the file (BullMQ fails a job that stalled too often before any processor runs it).
 */
export async function settleAbandonedJob(deps: GiveUpDeps, log: Logger, job: Job, error: Error, maxStalled: number): Promise<void> {
  const parsed = ingestJobSchema.safeParse(job.data);
  if (!parsed.success) return;
  const { fileId, path } = parsed.data;
  await giveUp(deps, log, fileId, path, explain(error.message, maxStalled));
}
