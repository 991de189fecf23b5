import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { Config } from '@windmill/core/config/config';
import { cleaningSettingsFrom, statsOptionsFrom } from '@windmill/core/config/settings';
import { observeJobDuration } from '@windmill/core/platform/metrics';
import { INGEST_QUEUE, STATS_QUEUE } from '@windmill/core/platform/queues';
import { createCleanRunner } from '@windmill/core/ingest/clean-runner';
import { createStatsProcessor } from './compute-stats.processor.js';
import { settleAbandonedJob } from './give-up.js';
import { createIngestProcessor, type IngestProcessorDeps } from './ingest-file.processor.js';

export interface WorkerTuning {
  /** How long a job's lock lives without renewal; a crashed worker's job is retried after about this long. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

export interface RunningWorkers {
  ingest: Worker;
  stats: Worker;
  /** Stops taking jobs and lets active ones finish; past `deadlineMs` it stops waiting (their transactions roll back when the process exits). */
  close(deadlineMs: number): Promise<{ clean: boolean }>;
}

/** Starts the ingest worker (WORKER_CONCURRENCY files at once) and the stats worker (one run at a time). */
export function startWorkers(
  deps: { connection: ConnectionOptions; prefix: string; pool: Pool; logger: Logger; config: Config },
  tuning: WorkerTuning = {},
): RunningWorkers {
  const { config, logger } = deps;
  const common = {
    connection: deps.connection,
    prefix: deps.prefix,
    lockDuration: tuning.lockDurationMs ?? 30_000,
    stalledInterval: tuning.stalledIntervalMs ?? 30_000,
    maxStalledCount: MAX_STALLED,
  };
  // Files are parsed on parse threads, so WORKER_CONCURRENCY files use as many cores.
  const cleaner = createCleanRunner(config.PARSE_THREADS);
  const ingestDeps: IngestProcessorDeps = {
    pool: deps.pool,
    logger,
    cleaner,
    settings: cleaningSettingsFrom(config),
    dirs: { processed: config.dirs.processed, failed: config.dirs.failed, deleteAfterIngest: config.DELETE_AFTER_INGEST },
    inbox: config.dirs.watch,
    outage: { baseMs: config.INGEST_BACKOFF_MS, maxMs: config.OUTAGE_BACKOFF_MAX_SECONDS * 1000 },
  };
  const ingest = new Worker(INGEST_QUEUE, createIngestProcessor(ingestDeps), { ...common, concurrency: config.WORKER_CONCURRENCY });
  const { trigger: _trigger, ...statsOptions } = statsOptionsFrom(config, 'schedule');
  const stats = new Worker(STATS_QUEUE, createStatsProcessor({ pool: deps.pool, logger, options: statsOptions }), {
    ...common,
    concurrency: 1,
  });

  for (const worker of [ingest, stats]) {
    const log = logger.child({ queue: worker.name });
    worker.on('completed', (job: Job) => record(job, 'completed'));
    worker.on('failed', (job: Job | undefined, error: Error) => {
      if (job) record(job, 'failed');
      const final = !job || job.attemptsMade >= (job.opts.attempts ?? 1) || error.name === 'UnrecoverableError';
      log[final ? 'error' : 'warn'](
        { jobId: job?.id, attemptsMade: job?.attemptsMade, err: error.message },
        final ? 'job failed' : 'job attempt failed',
      );
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

  return {
    ingest,
    stats,
    async close(deadlineMs) {
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
      return { clean };
    },
  };
}

/** A job whose worker dies under it more often than this fails (BullMQ's maxStalledCount). */
const MAX_STALLED = 3;

function record(job: Job, outcome: 'completed' | 'failed'): void {
  if (job.processedOn && job.finishedOn) observeJobDuration(job.queueName, outcome, (job.finishedOn - job.processedOn) / 1000);
}
