import '@windmill/core/platform/node-check';
import { enqueueFolder } from '@windmill/core/ingest/enqueue-file';
import { runService } from '@windmill/core/platform/lifecycle';
import { requestStatsRun } from '@windmill/core/platform/queues';
import { startApi } from './server.js';

// The API alone, one service of a deployment (docker compose). With no watcher in this process,
// POST /ingest queues the folder's files itself. Migrations are applied by the migrate service.
await runService('api', { redis: true, prisma: true, poolSize: 5 }, async ({ config, logger, connections }) => {
  const { pool, queues, prisma, apiPool } = connections;
  const api = await startApi({
    config,
    logger,
    prisma,
    pool: apiPool,
    queues,
    requestRescan: () => enqueueFolder({ pool, queue: queues.ingest, logger }, config.dirs.watch),
    requestStatsRun: () => requestStatsRun(queues.stats, 'api'),
  });
  return {
    async close() {
      await api.close();
      return { clean: true };
    },
  };
});
