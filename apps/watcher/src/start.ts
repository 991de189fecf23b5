import { mkdir } from 'node:fs/promises';
import type { Config } from '@windmill/core/config/config';
import type { Pool } from '@windmill/core/db/pool';
import { enqueueFile } from '@windmill/core/ingest/enqueue-file';
import type { Logger } from '@windmill/core/platform/logger';
import type { Queues } from '@windmill/core/platform/queues';
import { startFolderWatcher, type FolderWatcher } from './folder-watcher.js';

export interface WatcherDeps {
  config: Pick<Config, 'dirs' | 'WATCH_STABLE_MS' | 'RECONCILE_INTERVAL_SECONDS'>;
  logger: Logger;
  pool: Pool;
  queues: Pick<Queues, 'ingest'>;
}

export interface RunningWatcher {
  /** Scans the folder now and queues every complete file; resolves with how many were handed over. */
  scan: FolderWatcher['scan'];
  close(): Promise<{ clean: boolean }>;
}

/**
 * The watcher app: watches WATCH_DIR and queues every complete file (ledger row + ingest job).
 * The folders are created when missing, so a fresh install works without preparation.
 */
export async function startWatcher(deps: WatcherDeps): Promise<RunningWatcher> {
  const { config, logger } = deps;
  for (const dir of [config.dirs.watch, config.dirs.processed, config.dirs.failed]) await mkdir(dir, { recursive: true });
  const watcher = await startFolderWatcher({
    dir: config.dirs.watch,
    excludeDirs: [config.dirs.processed, config.dirs.failed],
    stableAfterMs: config.WATCH_STABLE_MS,
    reconcileEveryMs: config.RECONCILE_INTERVAL_SECONDS * 1000,
    logger,
    onFile: (filePath) => enqueueFile({ pool: deps.pool, queue: deps.queues.ingest, logger, inbox: config.dirs.watch }, filePath),
  });
  return {
    scan: () => watcher.scan(),
    async close() {
      await watcher.close();
      return { clean: true };
    },
  };
}
