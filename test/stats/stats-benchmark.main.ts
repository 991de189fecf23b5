/**
 * Times a full stats run and a one-day incremental run on a synthetic table of readings, in a
 * scratch database that is dropped afterwards, and checks the incremental run's plans for a
 * sequential scan of `reading`.
 *
 *   npx tsx test/stats/stats-benchmark.main.ts [turbines=100] [hours=20000]
 */
import { performance } from 'node:perf_hooks';
import { createPool } from '@windmill/core/db/pool';
import { computeStats, type ComputeStatsOptions } from '@windmill/core/stats/compute-stats';
import { createTestDatabase } from '../helpers/database.js';
import { seedReadings } from '../helpers/readings.js';
import { hourly } from './stats-fixtures.js';
import { explainingPool, generateReadings } from './synthetic-readings.js';

const turbines = Number(process.argv[2] ?? 100);
const hours = Number(process.argv[3] ?? 20_000);
const options: ComputeStatsOptions = { windowSeconds: 86_400, readingIntervalSeconds: 3600, sigma: 2, trigger: 'cli' };

const db = await createTestDatabase('stats_bench');
const pool = createPool(db.url, 2);
try {
  let t = performance.now();
  const rows = await generateReadings(pool, { turbines, hours, start: '2020-01-01T00:00:00Z' });
  console.log(`generated ${rows} readings (${turbines} turbines x ${hours} h) in ${Math.round(performance.now() - t)} ms`);

  const full = await computeStats(pool, options);
  console.log('full run', JSON.stringify(full));

  // One new day for one turbine, the way a loader commits it, right after the generated history.
  const firstNewDay = Date.parse('2020-01-01T00:00:00Z') + Math.ceil(hours / 24) * 86_400_000;
  const loadDay = (n: number) =>
    seedReadings(
      pool,
      hourly(
        7,
        new Date(firstNewDay + n * 86_400_000).toISOString(),
        Array.from({ length: 24 }, (_, i) => 5 + (i % 5)),
      ),
    );

  await loadDay(0);
  t = performance.now();
  const incremental = await computeStats(pool, options);
  console.log('incremental run', JSON.stringify(incremental), `wall ${Math.round(performance.now() - t)} ms`);

  // The same again on a connection that reports each statement's plan (auto_explain).
  await loadDay(1);
  const { pool: planPool, plans } = explainingPool(db.url);
  console.log('explained incremental run', JSON.stringify(await computeStats(planPool, options)));
  await planPool.end();

  const seqScans = plans.filter((p) => /Seq Scan on reading\b/.test(p));
  console.log(`incremental run: ${plans.length} plans, ${seqScans.length} with a sequential scan of reading`);
  for (const plan of plans.filter((p) => /\breading\b/.test(p))) console.log(`---\n${plan}`);
} finally {
  await pool.end();
  await db.drop();
}
