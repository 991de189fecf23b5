/**
 * A full stats run in a process of its own, so its time and memory are its own:
 *
 *   node --import tsx test/bench/stats-job.child.ts
 *
 * forgets every earlier stats run (DELETE FROM stats_run), so the run is a full one over the
 * whole history, runs it and prints one JSON line. DATABASE_URL and the stats settings come
 * from the environment, as for `npm start`.
 */
import { performance } from 'node:perf_hooks';
import { statsOptionsFrom } from '@windmill/core/config/settings';
import { createPool } from '@windmill/core/db/pool';
import { createLogger } from '@windmill/core/platform/logger';
import { loadConfigOrExit } from '@windmill/core/platform/startup';
import { computeStats } from '@windmill/core/stats/compute-stats';

const config = loadConfigOrExit();
const logger = createLogger('bench-stats', { level: config.LOG_LEVEL, fd: 2 });
const pool = createPool(config.DATABASE_URL, 2);
try {
  await pool.query('DELETE FROM stats_run');
  const t = performance.now();
  const stats = await computeStats(pool, { ...statsOptionsFrom(config, 'cli'), logger });
  const wallMs = performance.now() - t;
  if (stats.status !== 'done') throw new Error('the stats run was skipped: another run holds the lock');
  process.stdout.write(`${JSON.stringify({ stats, wallMs })}\n`);
} finally {
  await pool.end();
  logger.flush();
}
