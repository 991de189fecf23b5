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
 */
async function recordAndMove(from: string, to: { target: string; claimed: boolean }, record?: RecordTarget): Promise<void> {
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
 */
async function move(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    if (!(await lstat(from)).isFile()) throw new Error(`${path.basename(from)} is not a regular file: not copied`, { cause: error });
    await copyFile(from, to);
    await unlink(from);
  }
}

/**
 * Records where a file is about to go (the ledger's final_path), before it goes: if the process
 * or the database fails right after the move, a retry finds the file gone and the place recorded,
 * instead of a file that is nowhere.
 */
export type RecordTarget = (target: string | null) => Promise<void>;

/** Moves or deletes a loaded (or duplicate) file; returns its new path, or null when deleted. */
export async function disposeLoaded(filePath: string, fileId: number, dirs: DisposalDirs, record?: RecordTarget): Promise<string | null> {
  if (dirs.deleteAfterIngest) {
    await record?.(null);
    await unlink(filePath);
    return null;
  }
  await mkdir(dirs.processed, { recursive: true });
  const claim = await claimName(dirs.processed, path.basename(filePath), fileId);
  await recordAndMove(filePath, claim, record);
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
): Promise<string> {
  await mkdir(dirs.failed, { recursive: true });
  const claim = await claimName(dirs.failed, path.basename(filePath), fileId);
  const target = claim.target;
  const explanation: FailureExplanation = { fileId, file: path.basename(filePath), error, failedAt: now.toISOString() };
  await writeFile(`${target}.error.json`, `${JSON.stringify(explanation, null, 2)}\n`);
  await recordAndMove(filePath, claim, record);
  return target;
}
