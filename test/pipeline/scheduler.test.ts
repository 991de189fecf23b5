import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { runIngest } from '@windmill/core/ingest/batch-ingest';
import { createPool, type Pool } from '@windmill/core/db/pool';
import { STATS_JOB, STATS_QUEUE, STATS_SCHEDULER_ID } from '@windmill/core/platform/queues';
import { runEntry, type Child } from '../helpers/child-process.js';
import { CHALLENGE_DIR } from '../helpers/paths.js';
import { createPipelineEnv, REDIS_URL, type PipelineEnv } from '../helpers/pipeline-env.js';
import { memoryLogger } from '../helpers/silent-logger.js';
import { waitFor } from '../helpers/wait.js';

const skippedRuns = (child: Child) => child.output().split('stats run skipped').length - 1;

describe('stats scheduling across processes', () => {
  let env: PipelineEnv;
  let pool: Pool;
  let redis: Redis;
  let queue: Queue;
  const children: Child[] = [];

  beforeAll(async () => {
    env = await createPipelineEnv('sched', { STATS_INTERVAL_SECONDS: '2' });
    pool = createPool(env.db.url);
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(STATS_QUEUE, { connection: redis, prefix: env.prefix });
  });
  afterAll(async () => {
    for (const c of children) if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    await queue.close();
    redis.disconnect();
    await pool.end();
    await env.cleanup();
  });

  it('three scheduler processes started at once leave one schedule', async () => {
    const schedulers = [1, 2, 3].map(() => runEntry('apps/scheduler/dist/main.js', { ...env.env, LOG_LEVEL: 'info' }));
    children.push(...schedulers);
    await waitFor('all three schedulers up', () => schedulers.every((s) => s.output().includes('stats schedule in place')), 30_000);
    const list = await queue.getJobSchedulers();
    expect(list.map((s) => [s.key, s.every])).toEqual([[STATS_SCHEDULER_ID, 2000]]);
    // Restarting one (kill and start again) still leaves one.
    schedulers[0]!.process.kill('SIGKILL');
    const again = runEntry('apps/scheduler/dist/main.js', { ...env.env, LOG_LEVEL: 'info' });
    children.push(again);
    await waitFor('restarted scheduler up', () => again.output().includes('stats schedule in place'), 30_000);
    expect(await queue.getJobSchedulers()).toHaveLength(1);
    const counts = await queue.getJobCounts('delayed', 'waiting');
    expect((counts.delayed ?? 0) + (counts.waiting ?? 0)).toBeLessThanOrEqual(1);
  }, 60_000);

  it('while one worker process runs stats, the other skips the runs it is given', async () => {
    // The schedulers of the test above would keep adding runs; this test hands out its own.
    for (const s of children) s.process.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    await queue.removeJobScheduler(STATS_SCHEDULER_ID);
    await queue.drain(true);

    const { logger } = memoryLogger();
    await runIngest({ pool, logger, config: env.config }, [path.join(CHALLENGE_DIR, 'data_group_1.csv')], process.cwd());
    await pool.query(`DELETE FROM stats_run`);
    const workers = [1, 2].map(() => runEntry('apps/worker/dist/main.js', { ...env.env, LOG_LEVEL: 'info' }));
    children.push(...workers);
    await waitFor('both workers ready', () => workers.every((w) => w.output().includes('workers ready')), 30_000);

    // Hold the first run inside its lock: it takes the stats lock, then waits to record itself in
    // stats_run, which this test keeps write-locked until the other worker has had its turns.
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE stats_run IN EXCLUSIVE MODE');
      await queue.add(STATS_JOB, { trigger: 'api' });
      await waitFor('a stats run waiting inside the lock', async () => {
        const { rows } = await pool.query(
          `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%INSERT INTO stats_run%'`,
        );
        return rows.length === 1;
      });
      // The running worker takes one job at a time, so these seven go to the other one.
      await queue.addBulk(Array.from({ length: 7 }, () => ({ name: STATS_JOB, data: { trigger: 'api' } })));
      await waitFor('seven runs skipped', () => workers.some((w) => skippedRuns(w) === 7), 30_000);
    } finally {
      await holder.query('COMMIT');
      holder.release();
    }
    await waitFor('the held run done', () => workers.some((w) => w.output().includes('stats run done')), 30_000);

    const skipper = workers.find((w) => skippedRuns(w) === 7)!;
    const runner = workers.find((w) => w !== skipper)!;
    expect(skipper.output()).not.toContain('stats run done');
    expect(skippedRuns(runner)).toBe(0);
    const runs = (await pool.query(`SELECT status FROM stats_run`)).rows;
    expect(runs).toEqual([{ status: 'done' }]);
    expect((await queue.getJobCounts('completed')).completed).toBe(8);
  }, 90_000);
});
