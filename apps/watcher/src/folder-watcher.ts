import path from 'node:path';
import { lstat, realpath } from 'node:fs/promises';
import { watch, type FSWatcher } from 'chokidar';
import type { Logger } from 'pino';
import { isIngestibleFileName } from '@windmill/core/domain/file-name';
import { listCsvEntries } from '@windmill/core/ingest/list-files';

export interface FolderWatcherOptions {
  dir: string;
  /** Folders inside `dir` that must not be watched (the processed and failed folders may live there). */
  excludeDirs: string[];
  /** A file counts as written once its size has not changed for this long. */
  stableAfterMs: number;
  /** How often the whole folder is scanned to catch events the OS dropped. */
  reconcileEveryMs: number;
  logger: Logger;
  /** Called for each complete file; must be idempotent (it is called again by every scan). */
  onFile: (filePath: string) => Promise<unknown>;
}

export interface FolderWatcher {
  /** Scans the folder now and hands over every complete file; returns how many were handed over. */
  scan(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Watches the inbox with chokidar: files present at start-up and every new or changed file, once
 * its writer has finished (awaitWriteFinish), hidden and partial-write names ignored. Calls for
 * one path are serialised so a burst of events for a file becomes one call after another, never
 * two at once; a periodic scan catches anything the event stream missed.
 */
export async function startFolderWatcher(options: FolderWatcherOptions): Promise<FolderWatcher> {
  const { logger } = options;
  // chokidar does not follow links (see below), so a WATCH_DIR that is itself a link is resolved
  // first; files are then known by their real paths.
  const dir = await realpath(options.dir);
  const excluded = await Promise.all(options.excludeDirs.map((d) => realpath(d).catch(() => path.resolve(d))));
  const isExcluded = (p: string) => excluded.some((d) => p === d || p.startsWith(d + path.sep));
  const inFlight = new Map<string, Promise<boolean>>();

  // A burst of thousands of files must not become thousands of hashes and queries at once:
  // at most MAX_PARALLEL files are handed over together, the rest wait their turn.
  const slots = createLimiter(MAX_PARALLEL);

  /** Resolves false when onFile turned the file down (`{ queued: false }`: refused or gone). */
  const hand = (filePath: string): Promise<boolean> => {
    const previous = inFlight.get(filePath) ?? Promise.resolve(true);
    const next = previous
      .then(() => slots(() => options.onFile(filePath)))
      .then(
        (result) => (result as { queued?: unknown } | undefined)?.queued !== false,
        (error: unknown) => {
          logger.error({ file: filePath, err: (error as Error).message }, 'could not queue file; the next scan retries');
          return false;
        },
      )
      .finally(() => {
        if (inFlight.get(filePath) === next) inFlight.delete(filePath);
      });
    inFlight.set(filePath, next);
    return next;
  };

  const watcher: FSWatcher = watch(dir, {
    ignoreInitial: false,
    persistent: true,
    // A link is reported as itself and refused when it is opened, never followed: a link to a
    // directory would otherwise bring that directory's files (and a link loop, endless paths) in.
    followSymlinks: false,
    awaitWriteFinish: { stabilityThreshold: options.stableAfterMs, pollInterval: Math.min(100, options.stableAfterMs) },
    ignored: (p, stats) => {
      if (p === dir) return false;
      if (path.basename(p).startsWith('.') || isExcluded(p)) return true;
      // Anything but a directory is judged by its name: links, FIFOs... named .csv reach onFile,
      // which refuses them and says so once; the rest is none of Windmill's business.
      return stats !== undefined && !stats.isDirectory() && !isIngestibleFileName(path.basename(p));
    },
  });
  watcher.on('add', (p) => void hand(p));
  watcher.on('change', (p) => void hand(p));
  watcher.on('error', (error) => logger.error({ err: (error as Error).message }, 'folder watcher error'));
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));

  const scanOnce = async (): Promise<number> => {
    // Links and special files with a CSV name too: onFile refuses them, and says so once (chokidar
    // reports no event at all for some, such as a link to itself).
    const files = (await listCsvEntries(dir).catch(() => [] as string[])).filter((f) => !isExcluded(f));
    let handed = 0;
    for (const file of files) {
      const info = await lstat(file).catch(() => null);
      // Still being written: the watcher's own event will come once it is stable.
      if (!info || Date.now() - info.mtimeMs < options.stableAfterMs) continue;
      if (await hand(file)) handed++;
    }
    logger.debug({ files: files.length, handed }, 'folder scanned');
    return handed;
  };
  // One scan at a time. In a burst of files a scan outlasts the interval; overlapping scans would
  // each hand every file over again, and a late hand-over of a file just loaded adds a ledger row
  // that only the worker can settle.
  let scanning: Promise<number> | null = null;
  const scan = (): Promise<number> => {
    scanning ??= scanOnce().finally(() => {
      scanning = null;
    });
    return scanning;
  };
  const timer = setInterval(() => {
    scan().catch((error: unknown) => logger.error({ err: (error as Error).message }, 'reconciliation scan failed'));
  }, options.reconcileEveryMs);
  timer.unref();
  logger.info({ dir, stableAfterMs: options.stableAfterMs, reconcileEveryMs: options.reconcileEveryMs }, 'watching folder');

  return {
    scan,
    async close() {
      clearInterval(timer);
      await watcher.close();
      await Promise.allSettled([...inFlight.values()]);
    },
  };
}

const MAX_PARALLEL = 8;

/** Runs at most `limit` tasks at a time, in the order they were asked for. */
function createLimiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    // A finishing task hands its slot straight to the next waiter, so the count never overshoots.
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
