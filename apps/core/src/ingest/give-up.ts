import type { Pool } from 'pg';
import { childWith, type Logger } from '../platform/logger.js';
import { redactText } from '../platform/redact.js';
import { disposeFailed, type DisposalDirs } from './file-disposal.js';
import { FILE_FAILED_MESSAGES } from './file-failed-messages.js';
import * as ledger from './ingested-file.repository.js';
import { openRegularFile } from './safe-open.js';

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
  childWith(log, { fileId, file: path }).error({ finalPath, reason }, FILE_FAILED_MESSAGES.gaveUp);
  return reason;
}
