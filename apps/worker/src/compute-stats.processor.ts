import type { Job } from 'bullmq';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { computeStats, type ComputeStatsOptions, type StatsRunOutcome } from '@windmill/core/stats/compute-stats';
import { statsJobSchema } from '@windmill/core/platform/queues';

/**
 * The compute-stats job, run by the Job Scheduler every STATS_INTERVAL_SECONDS or on request.
 * Overlap is impossible: the run takes the stats lock in Postgres, and a run that finds it taken
 * (another process is computing) ends at once as `skipped`.
 */
export function createStatsProcessor(deps: { pool: Pool; logger: Logger; options: Omit<ComputeStatsOptions, 'trigger' | 'logger'> }) {
  return async (job: Job): Promise<StatsRunOutcome> => {
    const { trigger } = statsJobSchema.parse(job.data ?? {});
    const logger = deps.logger.child({ queue: job.queueName, jobId: job.id });
    return computeStats(deps.pool, { ...deps.options, trigger, logger });
  };
}
