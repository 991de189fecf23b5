import { mkdir } from 'node:fs/promises';
import type { Pool } from 'pg';
import type { Config } from '@windmill/core/config/config';
import { ensureDatabase, migrate } from '@windmill/core/db/migrate';
import { createPool } from '@windmill/core/db/pool';
import { createPrisma, type PrismaClient } from '@windmill/core/db/prisma';
import { listCsvFiles } from '@windmill/core/ingest/list-files';
import type { Logger } from '@windmill/core/platform/logger';
import { closeQueues, createQueues, type Queues } from '@windmill/core/platform/queues';
import { checkRedis, createRedis, warnOnEvictionPolicy, type Redis } from '@windmill/core/platform/redis';
import { waitForPostgres } from '@windmill/core/platform/startup';
import { startApi, type RunningApi } from '@windmill/api/server';
import { requestStatsRun, upsertStatsSchedule } from '@windmill/scheduler/stats-schedule';
import { enqueueFile } from '@windmill/watcher/enqueue-file';
import { startFolderWatcher, type FolderWatcher } from '@windmill/watcher/folder-watcher';
import { startWorkers, type RunningWorkers, type WorkerTuning } from '@windmill/worker/workers';

/** Which parts of Windmill this process runs: all of them for `npm start`, one per container in compose. */
export interface PipelineParts {
  migrate: boolean;
  watcher: boolean;
  worker: boolean;
  scheduler: boolean;
  api: boolean;
}

export const ALL_PARTS: PipelineParts = { migrate: true, watcher: true, worker: true, scheduler: true, api: true };

export interface RunningPipeline {
  pool: Pool;
  /** Only the API reads through Prisma; other parts leave its query engine unloaded. */
  prisma: PrismaClient | null;
  queues: Queues;
  api: RunningApi | null;
  watcher: FolderWatcher | null;
  workers: RunningWorkers | null;
  /** Stops everything in order (intake first, then work, then connections). */
  close(): Promise<{ clean: boolean }>;
}

/** The scheduler re-asserts its schedule now and then, so a Redis that lost its data gets it back. */
const RESCHEDULE_EVERY_MS = 5 * 60_000;

/**
 * Starts the requested parts over shared connections. Dependencies are checked first, so a
 * missing Postgres or Redis gives one clear error instead of a hang.
 */
export async function startPipeline(
  config: Config,
  logger: Logger,
  parts: PipelineParts,
  tuning: WorkerTuning = {},
): Promise<RunningPipeline> {
  if (parts.migrate) await ensureDatabase(config.DATABASE_URL).catch(() => undefined);
  await waitForPostgres(config.DATABASE_URL, 15_000);
  if (parts.migrate) {
    const result = await migrate(config.DATABASE_URL);
    if (result.applied.length > 0) logger.info({ applied: result.applied }, 'database migrations applied');
  }
  await checkRedis(config.REDIS_URL, 10_000);

  const pool = createPool(config.DATABASE_URL, config.WORKER_CONCURRENCY + 4);
  const prisma = parts.api ? createPrisma(config.DATABASE_URL) : null;
  const redis: Redis = createRedis(config.REDIS_URL, logger);
  await warnOnEvictionPolicy(redis, logger);
  const queues = createQueues(redis, config.QUEUE_PREFIX, { attempts: config.INGEST_ATTEMPTS, backoffMs: config.INGEST_BACKOFF_MS });

  const workers = parts.worker
    ? startWorkers(
        { connection: redis, prefix: config.QUEUE_PREFIX, pool, logger, config },
        {
          lockDurationMs: config.JOB_LOCK_SECONDS * 1000,
          stalledIntervalMs: config.JOB_LOCK_SECONDS * 1000,
          ...tuning,
        },
      )
    : null;

  if (workers) {
    await Promise.all([workers.ingest.waitUntilReady(), workers.stats.waitUntilReady()]);
    logger.info({ concurrency: config.WORKER_CONCURRENCY }, 'workers ready');
  }

  let rescheduleTimer: NodeJS.Timeout | null = null;
  if (parts.scheduler) {
    await upsertStatsSchedule(queues.stats, config.STATS_INTERVAL_SECONDS);
    logger.info({ everySeconds: config.STATS_INTERVAL_SECONDS }, 'stats schedule in place');
    rescheduleTimer = setInterval(() => {
      upsertStatsSchedule(queues.stats, config.STATS_INTERVAL_SECONDS).catch((error: unknown) =>
        logger.warn({ err: (error as Error).message }, 'could not refresh the stats schedule'),
      );
    }, RESCHEDULE_EVERY_MS);
    rescheduleTimer.unref();
  }

  // The folders are created when missing, so a fresh install works without preparation.
  if (parts.watcher || parts.worker) {
    for (const dir of [config.dirs.watch, config.dirs.processed, config.dirs.failed]) await mkdir(dir, { recursive: true });
  }
  const enqueue = (filePath: string) => enqueueFile({ pool, queue: queues.ingest, logger, inbox: config.dirs.watch }, filePath);
  const watcher = parts.watcher
    ? await startFolderWatcher({
        dir: config.dirs.watch,
        excludeDirs: [config.dirs.processed, config.dirs.failed],
        stableAfterMs: config.WATCH_STABLE_MS,
        reconcileEveryMs: config.RECONCILE_INTERVAL_SECONDS * 1000,
        logger,
        onFile: enqueue,
      })
    : null;

  const rescan = async (): Promise<{ queued: number }> => {
    if (watcher) return { queued: await watcher.scan() };
    const files = await listCsvFiles([config.dirs.watch], config.dirs.watch);
    for (const file of files) await enqueue(file);
    return { queued: files.length };
  };

  const api = prisma
    ? await startApi({
        config,
        logger,
        prisma,
        pool,
        queues,
        requestRescan: rescan,
        requestStatsRun: () => requestStatsRun(queues.stats, 'api'),
      })
    : null;

  return {
    pool,
    prisma,
    queues,
    api,
    watcher,
    workers,
    async close() {
      if (rescheduleTimer) clearInterval(rescheduleTimer);
      await watcher?.close();
      await api?.close();
      const { clean } = workers ? await workers.close(config.SHUTDOWN_TIMEOUT_SECONDS * 1000) : { clean: true };
      await closeQueues(queues).catch(() => undefined);
      await redis.quit().catch(() => redis.disconnect());
      await prisma?.$disconnect();
      // Past the shutdown deadline a file may still be loading on a pooled connection, and
      // pool.end() would wait for that load to finish. Not waiting lets the process exit, which
      // closes the connection, and Postgres rolls the file's transaction back.
      if (clean) await pool.end();
      else pool.end().catch(() => undefined);
      return { clean };
    },
  };
}
