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

  it('two worker processes never run stats at the same time', async () => {
    const { logger } = memoryLogger();
    await runIngest({ pool, logger, config: env.config }, [path.join(CHALLENGE_DIR, 'data_group_1.csv')], process.cwd());
    await pool.query(`DELETE FROM stats_run`); // make the next run a full one, long enough to collide with
    const workers = [1, 2].map(() => runEntry('apps/worker/dist/main.js', { ...env.env, LOG_LEVEL: 'info' }));
    children.push(...workers);
    await waitFor('both workers ready', () => workers.every((w) => w.output().includes('workers ready')), 30_000);
    await queue.addBulk(Array.from({ length: 8 }, () => ({ name: STATS_JOB, data: { trigger: 'api' } })));
    await waitFor('the requested runs to be handled', async () => ((await queue.getJobCounts('completed')).completed ?? 0) >= 8, 60_000);

    const runs = (await pool.query(`SELECT started_at, finished_at FROM stats_run WHERE status = 'done' ORDER BY started_at`)).rows;
    expect(runs.length).toBeGreaterThanOrEqual(1);
    for (let i = 1; i < runs.length; i++) {
      expect(runs[i].started_at.getTime()).toBeGreaterThanOrEqual(runs[i - 1].finished_at.getTime());
    }
    expect(workers.every((w) => /stats run (done|skipped)/.test(w.output()))).toBe(true);
  }, 90_000);
});
