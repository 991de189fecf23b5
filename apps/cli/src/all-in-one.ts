import { startApi, type RunningApi } from '@windmill/api/server';
import type { ConnectionsFor } from '@windmill/core/platform/connections';
import { serviceOf, type RunningService, type ServiceContext } from '@windmill/core/platform/lifecycle';
import { requestStatsRun } from '@windmill/core/platform/queues';
import { startScheduler } from '@windmill/scheduler/start';
import { startWatcher, type RunningWatcher } from '@windmill/watcher/start';
import { startWorker, type RunningWorker } from '@windmill/worker/start';

/** What `npm start` (and the demo) needs opened: migrations, Redis and Prisma for the API. */
export const ALL_IN_ONE_NEEDS = { migrate: true, redis: true, prisma: true } as const;

export type AllInOneContext = ServiceContext<ConnectionsFor<typeof ALL_IN_ONE_NEEDS>>;

export interface AllInOne extends RunningService {
  api: RunningApi;
  watcher: RunningWatcher;
  worker: RunningWorker;
}

/**
 * Every app in one process over shared connections: workers first (so queued files find them),
 * then the schedule, the watcher and the API. POST /ingest rescans through the watcher. Closing
 * stops intake first (watcher, API), then work (workers), then the schedule.
 */
export async function startAllInOne({ config, logger, connections }: AllInOneContext): Promise<AllInOne> {
  const { pool, redis, queues, prisma, apiPool } = connections;
  const worker = await startWorker({ config, logger, pool, redis });
  const scheduler = await startScheduler({ config, logger, queues });
  const watcher = await startWatcher({ config, logger, pool, queues });
  const api = await startApi({
    config,
    logger,
    prisma,
    // The API's own connections, with its read limits: a read stuck on a lock cannot take the
    // connections the loads and stats runs need.
    pool: apiPool,
    queues,
    requestRescan: async () => ({ queued: await watcher.scan() }),
    requestStatsRun: () => requestStatsRun(queues.stats, 'api'),
  });
  const apiService: RunningService = {
    async close() {
      await api.close();
      return { clean: true };
    },
  };
  return { api, watcher, worker, ...serviceOf([watcher, apiService, worker, scheduler]) };
}
