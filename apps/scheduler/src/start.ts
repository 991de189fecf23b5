import type { Config } from '@windmill/core/config/config';
import type { Logger } from '@windmill/core/platform/logger';
import type { Queues } from '@windmill/core/platform/queues';
import { upsertStatsSchedule } from './stats-schedule.js';

export interface SchedulerDeps {
  config: Pick<Config, 'STATS_INTERVAL_SECONDS'>;
  logger: Logger;
  queues: Pick<Queues, 'stats'>;
  /** How often the schedule is asserted again, so a Redis that lost its data gets it back. */
  reassertEveryMs?: number;
}

/**
 * The scheduler app: upserts the stats Job Scheduler under its fixed id, then re-asserts it now and
 * then. A separate app rather than part of the worker, so that scaling workers never multiplies
 * scheduling work; running several is harmless (one id, one schedule).
 */
export async function startScheduler(deps: SchedulerDeps): Promise<{ close(): Promise<{ clean: boolean }> }> {
  const { config, logger, queues } = deps;
  await upsertStatsSchedule(queues.stats, config.STATS_INTERVAL_SECONDS);
  logger.info({ everySeconds: config.STATS_INTERVAL_SECONDS }, 'stats schedule in place');
  const timer = setInterval(
    () => {
      upsertStatsSchedule(queues.stats, config.STATS_INTERVAL_SECONDS).catch((error: unknown) =>
        logger.warn({ err: (error as Error).message }, 'could not refresh the stats schedule'),
      );
    },
    deps.reassertEveryMs ?? 5 * 60_000,
  );
  timer.unref();
  return {
    async close() {
      clearInterval(timer);
      return { clean: true };
    },
  };
}
