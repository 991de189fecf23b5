import path from 'node:path';
import { Redis } from 'ioredis';
import { runIngest } from '@windmill/core/ingest/batch-ingest';
import { startInProcess, type InProcessPipeline } from '../helpers/in-process.js';
import { writeSampleData } from '@windmill/core/generator/write-sample-data';
import { createQueues, STATS_SCHEDULER_ID, type Queues } from '@windmill/core/platform/queues';
import { runEntry, type Child } from '../helpers/child-process.js';
import { createPipelineEnv, REDIS_URL, type PipelineEnv } from '../helpers/pipeline-env.js';
import { memoryLogger } from '../helpers/silent-logger.js';
import { sleep, waitFor } from '../helpers/wait.js';

/**
 * Three scheduler processes that start and crash (SIGKILL) over and over, some mid-start-up,
 * while two workers (this process and a child) run the stats job every second and new data keeps
 * arriving: there is still exactly one Job Scheduler, it fires once per interval, and no two stats
 * runs ever overlap.
 */
describe('scheduler processes crash-looping', () => {
  let env: PipelineEnv;
  let pipeline: InProcessPipeline;
  let redis: Redis;
  let queues: Queues;
  const children: Child[] = [];
  const { logger } = memoryLogger();

  beforeAll(async () => {
    env = await createPipelineEnv('schedloop', { STATS_INTERVAL_SECONDS: '1' });
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    queues = createQueues(redis, env.prefix);
  });
  afterAll(async () => {
    for (const c of children) if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    await pipeline?.close();
    await queues.ingest.close();
    await queues.stats.close();
    redis.disconnect();
    await env.cleanup();
  });

  const startScheduler = () => {
    const child = runEntry('apps/scheduler/dist/main.js', { ...env.env, LOG_LEVEL: 'info' });
    children.push(child);
    return child;
  };
  const isUp = (c: Child) => c.output().includes('stats schedule in place');
  const kill = async (c: Child) => {
    if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
    await c.exited;
  };

  it('keeps one schedule and never overlaps stats runs', async () => {
    // Two workers: a child process and this one.
    const worker = runEntry('apps/worker/dist/main.js', { ...env.env, LOG_LEVEL: 'info' });
    children.push(worker);
    pipeline = await startInProcess(env.config, logger, { watcher: false, worker: true, scheduler: false, api: false });
    // One day of 20 turbines per file, each day new: every scheduled run finds windows to compute.
    const data = await writeSampleData(path.join(env.root, 'days'), { turbines: 20, days: 12, by: 'day', seed: 'loop' });
    await runIngest({ pool: pipeline.pool, logger, config: env.config }, data.files.slice(0, 2), env.root);
    const feed = data.files.slice(2);
    const ingestNext = async () => {
      const next = feed.shift();
      if (next) await runIngest({ pool: pipeline.pool, logger, config: env.config }, [next], env.root);
    };

    // Round 1: three come up, then all crash.
    let schedulers = [startScheduler(), startScheduler(), startScheduler()];
    await waitFor('three schedulers up', () => schedulers.every(isUp), 60_000);
    await waitFor('the worker up', () => worker.output().includes('workers ready'), 60_000);
    await Promise.all(schedulers.map(kill));
    await ingestNext();

    // Rounds 2 and 3: crash-looping, each killed at a different moment of its start-up.
    for (let round = 0; round < 2; round++) {
      schedulers = [startScheduler(), startScheduler(), startScheduler()];
      await Promise.all(
        schedulers.map(async (s, i) => {
          await sleep(500 + i * 1_000 + round * 700);
          await kill(s);
        }),
      );
      await ingestNext();
    }

    // Round 4: three come up and stay.
    schedulers = [startScheduler(), startScheduler(), startScheduler()];
    await waitFor('three schedulers up again', () => schedulers.every(isUp), 60_000);
    const list = await queues.stats.getJobSchedulers();
    expect(list.map((s) => [s.key, s.every])).toEqual([[STATS_SCHEDULER_ID, 1000]]);

    // One schedule fires about once a second, not three times, while the last files arrive.
    const firedBefore = await queues.stats.getJobCounts('completed', 'failed');
    const windowStarted = Date.now();
    while (feed.length > 0) {
      await ingestNext();
      await sleep(300);
    }
    await sleep(Math.max(0, 6_000 - (Date.now() - windowStarted)));
    const firedAfter = await queues.stats.getJobCounts('completed', 'failed');
    const seconds = (Date.now() - windowStarted) / 1000;
    const fired = firedAfter.completed! + firedAfter.failed! - firedBefore.completed! - firedBefore.failed!;
    expect(fired).toBeGreaterThanOrEqual(2);
    expect(fired).toBeLessThanOrEqual(Math.ceil(seconds) + 2);
    expect(await queues.stats.getJobSchedulers()).toHaveLength(1);

    // The runs, scheduled and from `ingest`, in both processes: one after another, never two at once.
    const runs = (await pipeline.pool.query(`SELECT id, trigger, status, started_at, finished_at FROM stats_run ORDER BY started_at, id`))
      .rows;
    expect(runs.filter((r) => r.status === 'failed')).toEqual([]);
    expect(runs.filter((r) => r.trigger === 'schedule').length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < runs.length; i++) {
      expect(runs[i].started_at.getTime()).toBeGreaterThanOrEqual(runs[i - 1].finished_at.getTime());
    }
    // Every day that arrived was computed: nothing is left pending once the last run is through.
    await waitFor(
      'no pending windows',
      async () => (await pipeline.pool.query(`SELECT count(*)::int AS n FROM stats_pending`)).rows[0].n === 0,
      10_000,
    );
    expect((await pipeline.pool.query(`SELECT count(*)::int AS n FROM window_stat`)).rows[0].n).toBe(20 * 12);
  }, 120_000);
});
