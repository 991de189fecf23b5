import type { Job } from 'bullmq';
import { createStatsProcessor } from '@windmill/worker/compute-stats.processor';
import { useTestDatabase } from '../helpers/database.js';
import { memoryLogger } from '../helpers/silent-logger.js';
import { seedReadings } from '../helpers/readings.js';
import { resetTables } from '../helpers/reset.js';
import { DAILY, hourly } from './stats-fixtures.js';

/**
 * A scheduled stats job while files are loading: it gives way (no run, no results) until a loaded
 * file has waited STATS_DEFER_WHILE_LOADING_SECONDS for its statistics; requested runs and idle
 * ledgers run at once.
 */
const database = useTestDatabase('stats_defer');
beforeEach(() => resetTables(database.pool));

const { logger } = memoryLogger();
const { trigger: _trigger, ...options } = DAILY;
const processorWith = (deferWhileLoadingSeconds: number) =>
  createStatsProcessor({ pool: database.pool, logger, options, deferWhileLoadingSeconds });
const job = (trigger: 'schedule' | 'api' | 'cli') => ({ data: { trigger }, queueName: 'stats', id: '1' }) as unknown as Job;

/** One committed file, finished `secondsAgo`, and `loading` more files queued or in progress. */
async function ledger(secondsAgo: number, loading: Array<'queued' | 'processing'>): Promise<void> {
  const fileId = await seedReadings(database.pool, hourly(1, '2022-03-01T00:00:00Z', [1, 2, 3, 4]));
  await database.pool.query(`UPDATE ingested_file SET finished_at = now() - make_interval(secs => $2) WHERE id = $1`, [fileId, secondsAgo]);
  for (const status of loading) {
    await database.pool.query(`INSERT INTO ingested_file (path, status) VALUES ('/inbox/' || gen_random_uuid() || '.csv', $1)`, [status]);
  }
}

const countRuns = async () => (await database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM stats_run')).rows[0]!.n;
const countWindows = async () => (await database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM window_stat')).rows[0]!.n;

describe('a scheduled stats run while files are loading', () => {
  it('gives way while a committed file has waited less than the bound, and writes nothing', async () => {
    await ledger(10, ['processing', 'queued']);
    const outcome = await processorWith(300)(job('schedule'));
    expect(outcome).toMatchObject({ status: 'deferred', reason: 'files are loading', filesLoading: 2 });
    expect((outcome as { oldestWaitingSeconds: number }).oldestWaitingSeconds).toBeGreaterThanOrEqual(10);
    expect(await countRuns()).toBe(0);
    expect(await countWindows()).toBe(0);
  });

  it('runs once a committed file has waited the bound, though files are still loading', async () => {
    await ledger(301, ['processing']);
    expect(await processorWith(300)(job('schedule'))).toMatchObject({ status: 'done', windowsComputed: 1 });
    expect(await countWindows()).toBe(1);
  });

  it('counts only files committed after the last completed run began', async () => {
    await ledger(301, ['processing']);
    await processorWith(0)(job('schedule'));
    // The file that waited 301 s is in the statistics now: nothing waits, so the next tick gives way.
    expect(await processorWith(300)(job('schedule'))).toMatchObject({ status: 'deferred', oldestWaitingSeconds: null });
    expect(await countRuns()).toBe(1);
  });

  it('runs when nothing is loading', async () => {
    await ledger(10, []);
    expect(await processorWith(300)(job('schedule'))).toMatchObject({ status: 'done', windowsComputed: 1 });
  });

  it('never defers a run requested through the API or the CLI', async () => {
    await ledger(10, ['processing']);
    expect(await processorWith(300)(job('api'))).toMatchObject({ status: 'done', windowsComputed: 1 });
    await ledger(10, ['queued']);
    expect(await processorWith(300)(job('cli'))).toMatchObject({ status: 'done' });
  });

  it('runs on every tick when the bound is 0', async () => {
    await ledger(10, ['processing']);
    expect(await processorWith(0)(job('schedule'))).toMatchObject({ status: 'done', windowsComputed: 1 });
  });
});
