import { constants, type Stats } from 'node:fs';
import { lstat, open, readlink, realpath, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { FileFormatError } from './errors.js';

/**
 * Opening a file from the inbox without trusting it. Anyone who can drop files into WATCH_DIR can
 * also drop a symbolic link to /etc/passwd, a FIFO that blocks whoever opens it, a socket or a
 * link loop. Windmill reads only regular files inside WATCH_DIR:
 *
 * - the entry is looked at first with lstat, so a special file is refused without being opened
 *   (opening a FIFO blocks, opening some devices has side effects);
 * - then it is opened with O_NOFOLLOW (a symbolic link swapped in meanwhile fails instead of being
 *   followed) and O_NONBLOCK (a FIFO swapped in cannot block), and the open descriptor is checked
 *   again with fstat: what is read is what was checked;
 * - with a `root`, the descriptor's real path (every directory symlink resolved) must lie inside it
 *   and be the path asked for: a file reached through a linked folder is refused even when the
 *   link points back into the root (a link loop would otherwise give one file endless names).
 *
 * A refusal is a RefusedFileError: a FileFormatError (the file fails, it is never retried) whose
 * message names the kind of entry and never anything read from it or where a link points.
 */

export type RefusalReason = 'symlink' | 'linked-path' | 'fifo' | 'socket' | 'device' | 'directory' | 'outside';

export class RefusedFileError extends FileFormatError {
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
    this.name = 'RefusedFileError';
  }
}

const WHAT: Record<RefusalReason, string> = {
  symlink: 'a symbolic link',
  'linked-path': 'reached through a symbolic link to a folder',
  fifo: 'a FIFO (named pipe)',
  socket: 'a socket',
  device: 'a device',
  directory: 'a directory',
  outside: 'a path that resolves outside the watched folder',
};

function refuse(reason: RefusalReason, filePath: string): RefusedFileError {
  return new RefusedFileError(
    reason,
    `refused: ${path.basename(filePath)} is ${WHAT[reason]}; Windmill reads only regular files inside WATCH_DIR`,
  );
}

function kindOf(stats: Stats): RefusalReason | null {
  if (stats.isFile()) return null;
  if (stats.isSymbolicLink()) return 'symlink';
  if (stats.isFIFO()) return 'fifo';
  if (stats.isSocket()) return 'socket';
  if (stats.isDirectory()) return 'directory';
  return 'device';
}

/** O_NOFOLLOW and O_NONBLOCK exist on Linux and macOS; elsewhere the lstat and fstat checks remain. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** Whether `candidate` (an absolute, resolved path) lies strictly inside `root` (also resolved). */
export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

/** The path the kernel has for an open descriptor (Linux), or the resolved name elsewhere. */
async function realPathOf(handle: FileHandle, filePath: string): Promise<string> {
  try {
    return await readlink(`/proc/self/fd/${handle.fd}`);
  } catch {
    return realpath(filePath);
  }
}

/**
 * Opens `filePath` for reading if it is a regular file (and, given `root`, lies inside it);
 * otherwise throws a RefusedFileError. A missing file throws the usual ENOENT error. The caller
 * closes the handle (a stream made with `handle.createReadStream()` closes it when it ends).
 */
export async function openRegularFile(filePath: string, options: { root?: string } = {}): Promise<{ handle: FileHandle; stats: Stats }> {
  const before = await lstat(filePath);
  const kind = kindOf(before);
  if (kind !== null) throw refuse(kind, filePath);

  let handle: FileHandle;
  try {
    handle = await open(filePath, OPEN_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Swapped for a link (ELOOP on Linux, EMLINK on BSDs) or a socket (ENXIO) since the lstat.
    if (code === 'ELOOP' || code === 'EMLINK') throw refuse('symlink', filePath);
    if (code === 'ENXIO') throw refuse('socket', filePath);
    throw error;
  }
  try {
    const stats = await handle.stat();
    const opened = kindOf(stats);
    if (opened !== null) throw refuse(opened, filePath);
    if (options.root !== undefined) {
      const [root, real] = await Promise.all([realpath(options.root), realPathOf(handle, filePath)]);
      if (!isInside(root, real)) throw refuse('outside', filePath);
      // The path asked for, below the root as configured (WATCH_DIR may itself be a link) or as resolved.
      const asked = path.resolve(filePath);
      const below = isInside(path.resolve(options.root), asked) ? path.resolve(options.root) : root;
      if (real !== path.join(root, path.relative(below, asked))) throw refuse('linked-path', filePath);
    }
    return { handle, stats };
  } catch (error) {
    await handle.close();
    throw error;
  }
}
