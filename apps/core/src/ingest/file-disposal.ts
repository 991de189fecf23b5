import { copyFile, link, lstat, mkdir, unlink, writeFile } from 'node:fs/promises';
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
 * The names a file may take in `dir`, in order: its own, then its own with the ledger id added
 * (which no other file can want).
 */
function candidateNames(dir: string, name: string, fileId: number): string[] {
  const ext = path.extname(name);
  return [path.join(dir, name), path.join(dir, `${path.basename(name, ext)}.${fileId}${ext}`)];
}

/**
 * Moves `from` into the first candidate name no other file holds and returns the name.
 *
 * The move never overwrites: the file is linked to the new name, which fails when the name is
 * taken even if another process took it a moment ago (two workers, a slow writer's pieces that end
 * together). Then `whilePlaced` runs (the failed folder writes the explanation), the new name is
 * recorded, and only then is the file unlinked from the inbox. A process or database lost before
 * the unlink leaves the same file under both names, and the retry, seeing that, finishes the move
 * under the same name; once it is gone from the inbox, its place is recorded.
 */
async function placeWithoutOverwrite(
  from: string,
  candidates: string[],
  record: RecordTarget | undefined,
  { whilePlaced, loadedBytes }: { whilePlaced?: (target: string) => Promise<void>; loadedBytes?: number } = {},
): Promise<string> {
  const staging = stagingName(candidates.at(-1)!);
  for (const target of candidates) {
    const placedEarlier = (await sameFile(from, target)) || (await sameFile(staging, target));
    if (!placedEarlier && !(await linkWithoutOverwrite(from, target, staging))) continue;
    await whilePlaced?.(target);
    await record?.(target);
    try {
      await throwIfGrew(from, loadedBytes);
    } catch (error) {
      await unlink(target);
      await unlink(staging).catch(() => undefined);
      throw error;
    }
    await unlink(from);
    await unlink(staging).catch(() => undefined);
    return target;
  }
  throw new Error(`${path.basename(from)}: every name it may take is held by another file (${candidates.join(', ')})`);
}

/** True when both paths exist and name the same file (one inode), as a link leaves them. */
async function sameFile(a: string, b: string): Promise<boolean> {
  const [sa, sb] = await Promise.all([lstat(a).catch(() => null), lstat(b).catch(() => null)]);
  return sa !== null && sb !== null && sa.dev === sb.dev && sa.ino === sb.ino;
}

/**
 * The hidden name a copy across file systems is written under before it takes its name; made from
 * the candidate that holds the ledger id, so no two files share it.
 */
const stagingName = (candidate: string) => path.join(path.dirname(candidate), `.${path.basename(candidate)}.moving`);

/**
 * Gives `from` the name `to` unless `to` exists; false when it does. Across file systems (a
 * bind-mounted folder) no link can be made: the file, only when it is a regular file (a link
 * swapped in is never followed), is copied to `staging` beside `to` and that copy linked to `to`,
 * so `to` never holds half a file.
 */
async function linkWithoutOverwrite(from: string, to: string, staging: string): Promise<boolean> {
  try {
    await link(from, to);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP') throw error;
  }
  if (!(await lstat(from)).isFile()) throw new Error(`${path.basename(from)} is not a regular file: not copied`);
  await copyFile(from, staging);
  try {
    await link(staging, to);
    return true;
  } catch (error) {
    await unlink(staging).catch(() => undefined);
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** The file in the inbox is no longer the size that was loaded: it stays there, whole, for its next load. */
export class FileGrewError extends Error {
  constructor(
    readonly path: string,
    readonly loadedBytes: number,
    readonly sizeBytes: number,
  ) {
    super(`${path} grew from ${loadedBytes} to ${sizeBytes} bytes while it was being moved: left in place`);
    this.name = 'FileGrewError';
  }
}

/**
 * The last look before a loaded file leaves the inbox: lines a writer appended since the load
 * (while its place was recorded, say) would leave with it unloaded.
 */
async function throwIfGrew(filePath: string, loadedBytes: number | undefined): Promise<void> {
  if (loadedBytes === undefined) return;
  const size = (await lstat(filePath)).size;
  if (size !== loadedBytes) throw new FileGrewError(filePath, loadedBytes, size);
}

/**
 * Records where a file went (the ledger's final_path) while it is still in the inbox too, or where
 * nothing is left of it (null) before it is deleted: a retry after any failure finds the file in
 * the inbox, or its place recorded, never a file that is nowhere.
 */
export type RecordTarget = (target: string | null) => Promise<void>;

/**
 * Moves or deletes a loaded (or duplicate) file; returns its new path, or null when deleted. Given
 * `loadedBytes`, a file that is no longer that size when it is about to leave the inbox stays
 * there (FileGrewError): a writer appended lines that were not loaded.
 */
export async function disposeLoaded(
  filePath: string,
  fileId: number,
  dirs: DisposalDirs,
  record?: RecordTarget,
  loadedBytes?: number,
): Promise<string | null> {
  if (dirs.deleteAfterIngest) {
    await record?.(null);
    await throwIfGrew(filePath, loadedBytes);
    await unlink(filePath);
    return null;
  }
  await mkdir(dirs.processed, { recursive: true });
  return placeWithoutOverwrite(filePath, candidateNames(dirs.processed, path.basename(filePath), fileId), record, { loadedBytes });
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
  const explanation: FailureExplanation = { fileId, file: path.basename(filePath), error, failedAt: now.toISOString() };
  return placeWithoutOverwrite(filePath, candidateNames(dirs.failed, path.basename(filePath), fileId), record, {
    whilePlaced: (target) => writeFile(`${target}.error.json`, `${JSON.stringify(explanation, null, 2)}\n`),
  });
}
