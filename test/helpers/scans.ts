import type { Child } from './child-process.js';
import { waitFor } from './wait.js';

/** What the watcher logs, at debug level, at the end of each folder scan (apps/watcher/src/folder-watcher.ts). */
export const FOLDER_SCANNED = 'folder scanned';

/**
 * Where a watcher's log lines are read: an in-process watcher's `memoryLogger()` lines (the logger
 * at level debug, memoryLogger's default), or a watcher process started with LOG_LEVEL=debug.
 */
export type ScanSource = (() => ReadonlyArray<Record<string, unknown>>) | Child;

/** How many folder scans the watcher has logged so far. */
export function countScans(source: ScanSource): number {
  if (typeof source === 'function') return source().filter((l) => l.msg === FOLDER_SCANNED).length;
  // Only whole lines: the last one may still be arriving.
  return source
    .output()
    .split('\n')
    .slice(0, -1)
    .filter((line) => line.includes(FOLDER_SCANNED) && (JSON.parse(line) as { msg?: unknown }).msg === FOLDER_SCANNED).length;
}

/**
 * Resolves once `n` folder scans have run from start to end after this call: the proof that
 * something does not happen on a scan ("the next scans queue nothing again"), in place of a fixed
 * sleep. A scan already running at the call may have listed the folder before it, so it is not
 * counted (scans never overlap: the one after it starts after the call). A file written just before
 * the call is skipped by a scan while it is younger than WATCH_STABLE_MS: wait for 2 scans then.
 */
export async function waitForScans(source: ScanSource, n: number, timeoutMs = 30_000): Promise<void> {
  const target = countScans(source) + n + 1;
  await waitFor(`${n} more folder scans (the watcher must log at level debug)`, () => countScans(source) >= target, timeoutMs, 50);
}
