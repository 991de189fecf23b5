import { mkdir } from 'node:fs/promises';
import { Worker, type Job } from 'bullmq';
import type { Config } from '@windmill/core/config/config';
import { cleaningSettingsFrom, statsOptionsFrom } from '@windmill/core/config/settings';
import type { Pool } from '@windmill/core/db/pool';
import { jobTimeouts } from '@windmill/core/db/timeouts';
import { createCleanRunner } from '@windmill/core/ingest/clean-runner';
import type { Logger } from '@windmill/core/platform/logger';
import { observeJobDuration } from '@windmill/core/platform/metrics';
import { INGEST_QUEUE, STATS_QUEUE } from '@windmill/core/platform/queues';
import type { Redis } from '@windmill/core/platform/redis';
import { createStatsProcessor } from './compute-stats.processor.js';
import { settleAbandonedJob } from './abandoned-job.js';
import { createIngestProcessor, type IngestProcessorDeps } from './ingest-file.processor.js';

export interface WorkerDeps {
  config: Config;
  logger: Logger;
  pool: Pool;
  /** BullMQ's connection; workers block on it, so it is theirs alone in a worker process. */
  redis: Redis;
}

export interface RunningWorker {
  ingest: Worker;
  stats: Worker;
  /**
   * Stops taking jobs and lets active ones finish; past SHUTDOWN_TIMEOUT_SECONDS it stops waiting
   * and reports `clean: false` (the active loads roll back when the process exits).
   */
  close(): Promise<{ clean: boolean }>;
}

/**
 * The worker app: the ingest worker (WORKER_CONCURRENCY files at once, parsed on PARSE_THREADS
 * threads) and the stats worker (one run at a time). Resolves once both listen to their queues.
 */
export async function startWorker(deps: WorkerDeps): Promise<RunningWorker> {
  const { config, logger } = deps;
  for (const dir of [config.dirs.processed, config.dirs.failed]) await mkdir(dir, { recursive: true });
  const common = {
    connection: deps.redis,
    prefix: config.QUEUE_PREFIX,
    // How long a job's lock lives without renewal: a crashed worker's job is retried after about this long.
    lockDuration: config.JOB_LOCK_SECONDS * 1000,
    stalledInterval: config.JOB_LOCK_SECONDS * 1000,
    maxStalledCount: MAX_STALLED,
  };
  // Files are parsed on parse threads, so WORKER_CONCURRENCY files use as many cores.
  const cleaner = createCleanRunner(config.PARSE_THREADS);
  const ingestDeps: IngestProcessorDeps = {
    pool: deps.pool,
    logger,
    cleaner,
    settings: cleaningSettingsFrom(config),
    profiles: config.inputProfiles,
    timeouts: jobTimeouts(config.JOB_STATEMENT_TIMEOUT_SECONDS),
    dirs: { processed: config.dirs.processed, failed: config.dirs.failed, deleteAfterIngest: config.DELETE_AFTER_INGEST },
    inbox: config.dirs.watch,
    outage: { baseMs: config.INGEST_BACKOFF_MS, maxMs: config.OUTAGE_BACKOFF_MAX_SECONDS * 1000 },
  };
  const ingest = new Worker(INGEST_QUEUE, createIngestProcessor(ingestDeps), { ...common, concurrency: config.WORKER_CONCURRENCY });
  const { trigger: _trigger, ...statsOptions } = statsOptionsFrom(config, 'schedule');
  const stats = new Worker(
    STATS_QUEUE,
    createStatsProcessor({
      pool: deps.pool,
      logger,
      options: statsOptions,
      deferWhileLoadingSeconds: config.STATS_DEFER_WHILE_LOADING_SECONDS,
    }),
    {
      ...common,
      concurrency: 1,
    },
  );

  for (const worker of [ingest, stats]) {
    const log = logger.child({ queue: worker.name });
    worker.on('completed', (job: Job) => record(job, 'completed'));
    worker.on('failed', (job: Job | undefined, error: Error) => {
      if (job) record(job, 'failed');
      // An unreadable file is an expected outcome, told once by its processor (with its reason and
      // where the file went); only unexpected final failures are errors here.
      const unrecoverable = error.name === 'UnrecoverableError';
      const final = !job || job.attemptsMade >= (job.opts.attempts ?? 1) || unrecoverable;
      const level = unrecoverable ? 'debug' : final ? 'error' : 'warn';
      log[level]({ jobId: job?.id, attemptsMade: job?.attemptsMade, err: error.message }, final ? 'job failed' : 'job attempt failed');
      // A file whose job failed for good is settled, even when its processor never ran (a job
      // that stalled too often). Settling twice is harmless: only a row still in flight changes.
      if (final && job && worker === ingest) {
        settleAbandonedJob(ingestDeps, log, job, error, MAX_STALLED).catch((settleError: unknown) =>
          log.warn(
            { jobId: job.id, err: (settleError as Error).message },
            'could not settle the failed file now; the folder scan will re-queue it',
          ),
        );
      }
    });
    worker.on('stalled', (jobId: string) => log.warn({ jobId }, 'job stalled (its worker stopped renewing the lock); it will be retried'));
    worker.on('error', (error: Error) => log.error({ err: error.message }, 'worker error'));
  }

  await Promise.all([ingest.waitUntilReady(), stats.waitUntilReady()]);
  logger.info({ concurrency: config.WORKER_CONCURRENCY, parseThreads: config.PARSE_THREADS }, 'workers ready');

  const deadlineMs = config.SHUTDOWN_TIMEOUT_SECONDS * 1000;
  return {
    ingest,
    stats,
    async close() {
      const graceful = Promise.all([ingest.close(), stats.close()]).then(() => true);
      const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), deadlineMs).unref());
      const clean = await Promise.race([graceful, timeout]);
      // Not `close(true)` past the deadline: once close() has begun, BullMQ hands back the same
      // pending promise, which waits for the active jobs. The caller exits instead; the active
      // loads' connections close with the process, so their transactions roll back, and their jobs
      // are retried once their locks lapse.
      if (!clean)
        logger.warn(
          { deadlineMs },
          'active jobs did not finish before the shutdown deadline; stopping anyway (their files roll back and will be retried)',
        );
      if (clean) await cleaner.close();
      return { clean };
    },
  };
}

/** A job whose worker dies under it more often than this fails (BullMQ's maxStalledCount). */
const MAX_STALLED = 3;

function record(job: Job, outcome: 'completed' | 'failed'): void {
  if (job.processedOn && job.finishedOn) observeJobDuration(job.queueName, outcome, (job.finishedOn - job.processedOn) / 1000);
}
