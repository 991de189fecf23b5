/**
 * A stats worker in a process of its own, for the lock tests: `node --import tsx run-stats.child.ts
 * <database url>` runs one stats run and exits. The tests kill it with SIGKILL half-way.
 */
import { createPool } from '@windmill/core/db/pool';
import { computeStats } from '@windmill/core/stats/compute-stats';

const url = process.argv[2];
if (!url) throw new Error('usage: run-stats.child.ts <database url>');
const pool = createPool(url, 1);
const outcome = await computeStats(pool, { windowSeconds: 86_400, readingIntervalSeconds: 3600, sigma: 2, trigger: 'cli' });
process.stdout.write(`${JSON.stringify(outcome)}\n`);
await pool.end();
