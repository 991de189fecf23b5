import { Queue, type ConnectionOptions } from 'bullmq';
import { z } from 'zod';
import { STATS_TRIGGERS } from '../domain/enums.js';

/** Queue names, job names and job payload schemas: the contract between watcher, API, scheduler and workers. */

export const INGEST_QUEUE = 'ingest';
export const STATS_QUEUE = 'stats';

export const INGEST_JOB = 'ingest-file';
export const STATS_JOB = 'compute-stats';

/** The Job Scheduler's fixed id: upserting under it from any number of processes keeps one schedule. */
export const STATS_SCHEDULER_ID = 'stats-every-interval';

export const ingestJobSchema = z.object({
  /** The ledger row (`ingested_file.id`) created when the file was queued. */
  fileId: z.number().int().positive(),
  /** Absolute path of the file in the watched folder. */
  path: z.string().min(1),
});
export type IngestJob = z.infer<typeof ingestJobSchema>;

export const statsJobSchema = z.object({
  trigger: z.enum(STATS_TRIGGERS).default('schedule'),
});
export type StatsJob = z.infer<typeof statsJobSchema>;

/** BullMQ job ids may not contain ':'; the ledger id is unique per queued file. */
export function ingestJobId(fileId: number): string {
  return `file-${fileId}`;
}

export interface Queues {
  ingest: Queue;
  stats: Queue;
}

/**
 * Default job options. Ingest jobs retry failures with exponential backoff (an outage of Postgres
 * or Redis does not use these attempts: the worker delays the job until the service is back);
 * finished jobs are trimmed by age and count while failed ones stay for inspection.
 */
export const INGEST_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential' as const, delay: 2_000 },
  removeOnComplete: { age: 24 * 3600, count: 1_000 },
  removeOnFail: { age: 30 * 24 * 3600, count: 10_000 },
};

export const STATS_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential' as const, delay: 5_000 },
  removeOnComplete: { count: 100 },
  removeOnFail: { count: 1_000 },
};

/** The retry budget of a file for failures that are not outages (INGEST_ATTEMPTS, INGEST_BACKOFF_MS). */
export interface IngestRetry {
  attempts: number;
  backoffMs: number;
}

/**
 * Both queues on one shared connection (producers do not block, so sharing is safe). Ingest jobs
 * get `retry` as their attempts and first backoff delay (the defaults without it).
 */
export function createQueues(connection: ConnectionOptions, prefix: string, retry?: IngestRetry): Queues {
  const ingestOptions = retry
    ? { ...INGEST_JOB_OPTIONS, attempts: retry.attempts, backoff: { type: 'exponential' as const, delay: retry.backoffMs } }
    : INGEST_JOB_OPTIONS;
  const queues = {
    ingest: new Queue(INGEST_QUEUE, { connection, prefix, defaultJobOptions: ingestOptions }),
    stats: new Queue(STATS_QUEUE, { connection, prefix, defaultJobOptions: STATS_JOB_OPTIONS }),
  };
  // While Redis is down every reconnect attempt is an 'error' event; the shared connection logs
  // the outage once (createRedis). Unheard, BullMQ prints each one to stderr as a raw stack trace.
  for (const queue of Object.values(queues)) queue.on('error', () => undefined);
  return queues;
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all([queues.ingest.close(), queues.stats.close()]);
}

/** Requests for a run share this deduplication id (see requestStatsRun). */
export const REQUESTED_STATS_RUN_ID = 'stats-run-requested';

/**
 * Asks for a stats run now (POST /stats/run); the stats lock keeps it from overlapping a scheduled
 * one. However many requests arrive, at most one requested run waits in the queue: while one
 * waits, further requests get its job id; while one runs, one more may wait (it will see the data
 * that arrived during the run). BullMQ's deduplication does this atomically in Redis, across processes.
 */
export async function requestStatsRun(queue: Queue, trigger: StatsJob['trigger']): Promise<{ jobId: string }> {
  const data: StatsJob = { trigger };
  const job = await queue.add(STATS_JOB, data, { deduplication: { id: REQUESTED_STATS_RUN_ID, keepLastIfActive: true } });
  return { jobId: String(job.id) };
}
