import type { preHandlerAsyncHookHandler } from 'fastify';
import { isStatsRunning } from '@windmill/core/stats/stats-lock';
import type { Pool } from '@windmill/core/db/pool';
import { statsRunning } from './errors.js';

/**
 * preHandler for reads of window stats and anomalies: while a stats run writes its results (it
 * holds the read lock, see core's stats-lock.ts) the answer is 503 with Retry-After, so a client
 * never pages through a half-replaced result. A run that has nothing to write never holds it.
 */
export function requireStatsIdle(pool: Pool): preHandlerAsyncHookHandler {
  return async () => {
    if (await isStatsRunning(pool)) throw statsRunning();
  };
}
