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
