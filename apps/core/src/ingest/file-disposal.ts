import { lstat, mkdir, open, rename, copyFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Where a file goes once its ingest has ended: the processed folder (or nowhere, when
 * DELETE_AFTER_INGEST is set), or the failed folder with `<name>.error.json` beside it saying why.
 * A name already taken in the target folder gets the ledger id added, so nothing is overwritten.
 */

export interface DisposalDirs {
  processed: string;
  failed: string;
  deleteAfterIngest: boolean;
}

export interface FailureExplanation {
  fileId: number;
  file: string;
  error: string;
  failedAt: string;
}

/**
 * A name in `dir` that no other file takes: the file's own name when free, else the name with the
 * ledger id added. The own name is claimed by creating it exclusively (an empty file the move then
 * replaces): two files of the same name that end at the same moment (two workers, a slow writer's
 * pieces) would otherwise both find it free, and the second move would overwrite the first file.
 */
async function claimName(dir: string, name: string, fileId: number): Promise<{ target: string; claimed: boolean }> {
  const target = path.join(dir, name);
  try {
    await (await open(target, 'wx')).close();
    return { target, claimed: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const ext = path.extname(name);
  return { target: path.join(dir, `${path.basename(name, ext)}.${fileId}${ext}`), claimed: false };
}

/**
 * Records where the file goes and moves it onto its claimed name. When either fails (the database
 * lost while recording, the file gone), the claim is given back, so the retry finds the name free
 * and picks the same one the ledger may already hold.
 *
 * `moveFirst`, for a file whose earlier move was refused and whose row says it is in the inbox:
 * that stays true until the move has succeeded, and only then is the new place recorded. Should
 * the recording fail, the file keeps its new name, one of movedFileCandidates.
 */
async function recordAndMove(
  from: string,
  to: { target: string; claimed: boolean },
  record: RecordTarget | undefined,
  moveFirst: boolean,
): Promise<void> {
  if (moveFirst) {
    try {
      await move(from, to.target);
    } catch (error) {
      if (to.claimed) await unlink(to.target).catch(() => undefined);
      throw error;
    }
    await record?.(to.target);
    return;
  }
  try {
    await record?.(to.target);
    await move(from, to.target);
  } catch (error) {
    if (to.claimed) await unlink(to.target).catch(() => undefined);
    throw error;
  }
}

/**
 * rename() cannot cross file systems (a bind-mounted folder); fall back to copy and delete. The
 * copy follows links, so it is made only of a regular file: a link swapped in is never copied.
 * When the copy or the delete fails (the folder full, the file immutable), the copy is removed:
 * the file is then only in the inbox, where the ledger says it is (see MOVE_BLOCKED_CODES).
 */
async function move(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    if (!(await lstat(from)).isFile()) throw new Error(`${path.basename(from)} is not a regular file: not copied`, { cause: error });
    try {
      await copyFile(from, to);
    } catch (copying) {
      await unlink(to).catch(() => undefined);
      throw copying;
    }
    try {
      await unlink(from);
    } catch (deleting) {
      if ((deleting as NodeJS.ErrnoException).code === 'ENOENT') return; // gone from the inbox meanwhile: the copy is the file
      await unlink(to).catch(() => undefined);
      throw deleting;
    }
  }
}

/**
 * The errors of a move that the file system refuses for now: the target folder read-only, full or
 * over quota, not writable, or the file immutable (EPERM). The file stays in the inbox and the move
 * is tried again later; anything else is an ordinary failure.
 */
const MOVE_BLOCKED_CODES = new Set(['EROFS', 'ENOSPC', 'EDQUOT', 'EACCES', 'EPERM', 'EBUSY', 'EIO', 'EMLINK', 'ENOTDIR']);

/** Whether a disposal failed because the file system refuses the move for now (see MOVE_BLOCKED_CODES). */
export function isMoveBlocked(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && MOVE_BLOCKED_CODES.has(code);
}

/**
 * Records where a file is about to go (the ledger's final_path), before it goes: if the process
 * or the database fails right after the move, a retry finds the file gone and the place recorded,
 * instead of a file that is nowhere.
 */
export type RecordTarget = (target: string | null) => Promise<void>;

/** How a disposal orders the move and its record (see recordAndMove). */
export interface DisposalOptions {
  moveFirst?: boolean;
}

/** Moves or deletes a loaded (or duplicate) file; returns its new path, or null when deleted. */
export async function disposeLoaded(
  filePath: string,
  fileId: number,
  dirs: DisposalDirs,
  record?: RecordTarget,
  options: DisposalOptions = {},
): Promise<string | null> {
  if (dirs.deleteAfterIngest) {
    if (options.moveFirst) {
      await unlink(filePath);
      await record?.(null);
    } else {
      await record?.(null);
      await unlink(filePath);
    }
    return null;
  }
  await mkdir(dirs.processed, { recursive: true });
  const claim = await claimName(dirs.processed, path.basename(filePath), fileId);
  await recordAndMove(filePath, claim, record, options.moveFirst === true);
  return claim.target;
}

/** Moves a failed file aside and writes the explanation next to it; returns the file's new path. */
export async function disposeFailed(
  filePath: string,
  fileId: number,
  error: string,
  dirs: DisposalDirs,
  now: Date,
  record?: RecordTarget,
  options: DisposalOptions = {},
): Promise<string> {
  await mkdir(dirs.failed, { recursive: true });
  const claim = await claimName(dirs.failed, path.basename(filePath), fileId);
  const target = claim.target;
  const explanation: FailureExplanation = { fileId, file: path.basename(filePath), error, failedAt: now.toISOString() };
  try {
    await writeFile(`${target}.error.json`, `${JSON.stringify(explanation, null, 2)}\n`);
  } catch (writing) {
    // A full folder: neither the explanation nor the claim is left behind.
    await unlink(`${target}.error.json`).catch(() => undefined);
    if (claim.claimed) await unlink(target).catch(() => undefined);
    throw writing;
  }
  try {
    await recordAndMove(filePath, claim, record, options.moveFirst === true);
  } catch (moving) {
    // Still in the inbox (the move refused, say): no explanation without its file.
    if (await exists(filePath)) await unlink(`${target}.error.json`).catch(() => undefined);
    throw moving;
  }
  return target;
}

async function exists(p: string): Promise<boolean> {
  return lstat(p).then(
    () => true,
    () => false,
  );
}

/**
 * Where a move of this file to `dir` may have put it: its own name, or its name with the ledger id
 * added (see claimName). For a file moved before its new place could be recorded (`moveFirst`).
 */
export function movedFileCandidates(filePath: string, fileId: number, dir: string): string[] {
  const name = path.basename(filePath);
  const ext = path.extname(name);
  return [path.join(dir, name), path.join(dir, `${path.basename(name, ext)}.${fileId}${ext}`)];
}
