import { startApi, type RunningApi } from '@windmill/api/server';
import type { Config } from '@windmill/core/config/config';
import type { Pool } from '@windmill/core/db/pool';
import { enqueueFolder } from '@windmill/core/ingest/enqueue-file';
import { openConnections } from '@windmill/core/platform/connections';
import { serviceOf, type RunningService } from '@windmill/core/platform/lifecycle';
import type { Logger } from '@windmill/core/platform/logger';
import { requestStatsRun } from '@windmill/core/platform/queues';
import { startScheduler } from '@windmill/scheduler/start';
import { startWatcher, type RunningWatcher } from '@windmill/watcher/start';
import { startWorker, type RunningWorker } from '@windmill/worker/start';

/** Which apps a test runs in its own process. */
export interface InProcessApps {
  watcher?: boolean;
  worker?: boolean;
  scheduler?: boolean;
  api?: boolean;
}

export interface InProcessPipeline {
  pool: Pool;
  api: RunningApi | null;
  watcher: RunningWatcher | null;
  worker: RunningWorker | null;
  close(): Promise<{ clean: boolean }>;
}

/**
 * Starts the chosen apps inside the test process over one set of connections, the way the CLI
 * composes them, so a test can drive the pipeline and read its tables directly. The test's
 * database is expected to be migrated already (createPipelineEnv does that).
 */
export async function startInProcess(config: Config, logger: Logger, apps: InProcessApps): Promise<InProcessPipeline> {
  const connections = await openConnections(config, logger, { redis: true, prisma: apps.api === true });
  const { pool, redis, queues, prisma, apiPool } = connections;
  const worker = apps.worker ? await startWorker({ config, logger, pool, redis }) : null;
  const scheduler = apps.scheduler ? await startScheduler({ config, logger, queues }) : null;
  const watcher = apps.watcher ? await startWatcher({ config, logger, pool, queues }) : null;
  const api =
    apps.api && prisma && apiPool
      ? await startApi({
          config,
          logger,
          prisma,
          pool: apiPool,
          queues,
          requestRescan: async () =>
            watcher ? { queued: await watcher.scan() } : enqueueFolder({ pool, queue: queues.ingest, logger }, config.dirs.watch),
          requestStatsRun: () => requestStatsRun(queues.stats, 'api'),
        })
      : null;
  const apiService: RunningService | null = api && {
    async close() {
      await api.close();
      return { clean: true };
    },
  };
  const running = serviceOf([watcher, apiService, worker, scheduler]);
  return {
    pool,
    api,
    watcher,
    worker,
    async close() {
      const { clean } = await running.close();
      await connections.close({ waitForPool: clean });
      return { clean };
    },
  };
}
