import type { Job } from 'bullmq';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { shouldDeferStatsRun, type LoadingBacklog } from '@windmill/core/domain/stats-deferral';
import { computeStats, type ComputeStatsOptions, type StatsRunOutcome } from '@windmill/core/stats/compute-stats';
import { readLoadingBacklog } from '@windmill/core/stats/loading-backlog.repository';
import { statsJobSchema } from '@windmill/core/platform/queues';

export type StatsJobOutcome = StatsRunOutcome | ({ status: 'deferred'; reason: 'files are loading' } & LoadingBacklog);

export interface StatsProcessorDeps {
  pool: Pool;
  logger: Logger;
  options: Omit<ComputeStatsOptions, 'trigger' | 'logger'>;
  /** STATS_DEFER_WHILE_LOADING_SECONDS: how long a scheduled run may give way to loading files; 0 never. */
  deferWhileLoadingSeconds: number;
}

/**
 * The compute-stats job, run by the Job Scheduler every STATS_INTERVAL_SECONDS or on request.
 * Overlap is impossible: the run takes the stats lock in Postgres, and a run that finds it taken
 * (another process is computing) ends at once as `skipped`. A scheduled run that falls while files
 * are loading ends as `deferred` (see domain/stats-deferral.ts): the tick after the loads runs it.
 */
export function createStatsProcessor(deps: StatsProcessorDeps) {
  return async (job: Job): Promise<StatsJobOutcome> => {
    const { trigger } = statsJobSchema.parse(job.data ?? {});
    const logger = deps.logger.child({ queue: job.queueName, jobId: job.id });
    if (trigger === 'schedule' && deps.deferWhileLoadingSeconds > 0) {
      const backlog = await readLoadingBacklog(deps.pool);
      if (shouldDeferStatsRun(trigger, backlog, deps.deferWhileLoadingSeconds)) {
        logger.debug(backlog, 'stats run deferred: files are loading');
        return { status: 'deferred', reason: 'files are loading', ...backlog };
      }
    }
    return computeStats(deps.pool, { ...deps.options, trigger, logger });
  };
}
