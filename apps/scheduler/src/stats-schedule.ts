import type { Queue } from 'bullmq';
import { STATS_JOB, STATS_JOB_OPTIONS, STATS_SCHEDULER_ID, type StatsJob } from '@windmill/core/platform/queues';

/**
 * Creates or updates the one Job Scheduler that runs the stats job every `intervalSeconds`. The
 * fixed id makes this idempotent: any number of processes, restarts or repeated calls leave one
 * schedule (a changed interval replaces the old one).
 */
export async function upsertStatsSchedule(queue: Queue, intervalSeconds: number): Promise<void> {
  const data: StatsJob = { trigger: 'schedule' };
  await queue.upsertJobScheduler(
    STATS_SCHEDULER_ID,
    { every: intervalSeconds * 1000 },
    { name: STATS_JOB, data, opts: { removeOnComplete: STATS_JOB_OPTIONS.removeOnComplete, removeOnFail: STATS_JOB_OPTIONS.removeOnFail } },
  );
}

/** Requests for a run share this deduplication id (see requestStatsRun). */
export const REQUESTED_STATS_RUN_ID = 'stats-run-requested';

/**
 * Asks for a stats run now (POST /stats/run); the lock keeps it from overlapping a scheduled one.
 * However many requests arrive, at most one requested run waits in the queue: while one waits,
 * further requests get its job id; while one runs, one more may wait (it will see the data that
 * arrived during the run). BullMQ's deduplication does this atomically in Redis, across processes.
 */
export async function requestStatsRun(queue: Queue, trigger: StatsJob['trigger']): Promise<{ jobId: string }> {
  const data: StatsJob = { trigger };
  const job = await queue.add(STATS_JOB, data, { deduplication: { id: REQUESTED_STATS_RUN_ID, keepLastIfActive: true } });
  return { jobId: String(job.id) };
}
