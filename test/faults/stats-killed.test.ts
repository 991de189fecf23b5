import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { runIngest } from '@windmill/core/ingest/batch-ingest';
import { apiClient } from '../helpers/api-client.js';
import { startInProcess, type InProcessPipeline } from '../helpers/in-process.js';
import { writeSampleData } from '@windmill/core/generator/write-sample-data';
import { createQueues, type Queues } from '@windmill/core/platform/queues';
import { isStatsRunning, TRY_TAKE_STATS_LOCK_SQL } from '@windmill/core/stats/stats-lock';
import { requestStatsRun } from '@windmill/core/platform/queues';
import { runEntry, type Child } from '../helpers/child-process.js';
import { createPipelineEnv, REDIS_URL, type PipelineEnv } from '../helpers/pipeline-env.js';
import { memoryLogger } from '../helpers/silent-logger.js';
import { waitFor } from '../helpers/wait.js';

/**
 * The worker running a stats job is killed (SIGKILL) in the middle of the run's transaction: the
 * previous statistics and anomalies stay in place and are served, the stats lock is free at once,
 * the run's consumption of the pending marks rolls back, and the next run recomputes those windows.
 */
describe('a stats run killed mid-way', () => {
  let env: PipelineEnv;
  let api: InProcessPipeline;
  let redis: Redis;
  let queues: Queues;
  const children: Child[] = [];
  const { logger } = memoryLogger();

  beforeAll(async () => {
    env = await createPipelineEnv('statskill');
    api = await startInProcess(env.config, logger, { watcher: false, worker: false, scheduler: false, api: true });
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    queues = createQueues(redis, env.prefix);
  });
  afterAll(async () => {
    for (const c of children) if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    await queues.ingest.close();
    await queues.stats.close();
    redis.disconnect();
    await api.close();
    await env.cleanup();
  });

  const pool = () => api.pool;
  const one = async (sql: string) => (await pool().query(sql)).rows[0];
  const snapshot = async () => ({
    windowStats: (
      await pool().query(`SELECT turbine_id, window_start, count, min, max, mean, stddev, computed_at FROM window_stat ORDER BY 1, 2`)
    ).rows,
    anomalies: (await pool().query(`SELECT kind, turbine_id, window_start, ts, value, mean, stddev FROM anomaly ORDER BY 1, 2, 3, 4`)).rows,
  });
  const client = apiClient(() => api.api!.url);
  /** The answer with its Retry-After. */
  const get = async (route: string) => {
    const { status, body, headers } = await client.request('GET', route);
    return { status, retryAfter: headers['retry-after'] ?? null, body };
  };
  const startWorker = () => {
    const child = runEntry('apps/worker/dist/main.js', { ...env.env, LOG_LEVEL: 'info' });
    children.push(child);
    return child;
  };

  it('keeps the previous results served, frees the lock and leaves the pending windows to the next run', async () => {
    const worker = startWorker(); // starts up while the data is prepared
    // Five turbines over three days, then the same days again with other values: the second
    // file replaces every reading and marks all 15 windows as pending.
    const first = await writeSampleData(path.join(env.root, 'v1'), { turbines: 5, days: 3, files: 1, seed: 'first' });
    const second = await writeSampleData(path.join(env.root, 'v2'), { turbines: 5, days: 3, files: 1, seed: 'second' });
    const ingest = await runIngest({ pool: pool(), logger, config: env.config }, first.files, env.root);
    expect(ingest.stats).toMatchObject({ status: 'done', windowsComputed: 15 });

    let servedBefore: Awaited<ReturnType<typeof get>>;
    const holder = new pg.Client({ connectionString: env.db.url });
    await holder.connect();
    try {
      // Loaded while another run holds the lock: the ingest's own stats run is skipped and the
      // file's pending marks stay for the next run.
      await holder.query('BEGIN');
      await holder.query(TRY_TAKE_STATS_LOCK_SQL);
      expect((await runIngest({ pool: pool(), logger, config: env.config }, second.files, env.root)).stats.status).toBe('skipped');
      await holder.query('COMMIT');
      const before = await snapshot();
      expect(before.windowStats).toHaveLength(15);
      const pendingBefore = (await one(`SELECT count(*)::int AS n FROM stats_pending`)).n as number;
      expect(pendingBefore).toBeGreaterThan(0);
      servedBefore = await get('/stats?limit=1000');
      const anomaliesBefore = await get('/anomalies?limit=1000');
      expect(servedBefore.status).toBe(200);
      expect(servedBefore.body.items).toHaveLength(15);

      // Hold one of the windows the run must replace, so the run stalls inside its transaction,
      // after it has consumed the pending marks.
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM window_stat WHERE turbine_id = 1 ORDER BY window_start LIMIT 1 FOR UPDATE`);
      await waitFor('the worker to be ready', () => worker.output().includes('workers ready'), 30_000);
      await requestStatsRun(queues.stats, 'api');
      await waitFor(
        'the run to be stalled on the held window',
        async () => {
          const { rows } = await pool().query(
            `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          );
          return rows.length > 0 && (await isStatsRunning(pool()));
        },
        30_000,
        20,
      );
      // Inside the run: pending marks consumed (uncommitted), readers told to come back later.
      const during = await get('/stats?limit=1000');
      expect(during.status).toBe(503);
      expect(during.retryAfter).not.toBeNull();
      expect((during.body.error as { code: string }).code).toBe('stats_running');

      worker.process.kill('SIGKILL');
      const killedAt = Date.now();
      await worker.exited;
      // The server notices the dead client within about a second, even mid-statement, and ends its session.
      await waitFor('the stats lock to be free', async () => !(await isStatsRunning(pool())), 5_000, 20);
      const freedAfterMs = Date.now() - killedAt;
      expect(freedAfterMs).toBeLessThan(3_000);
      await holder.query('COMMIT');

      expect(await snapshot()).toEqual(before);
      expect((await one(`SELECT count(*)::int AS n FROM stats_pending`)).n).toBe(pendingBefore);
      expect((await pool().query(`SELECT status FROM stats_run ORDER BY id`)).rows.map((r) => r.status)).toEqual(['done']);
      const servedAfter = await get('/stats?limit=1000');
      expect(servedAfter.status).toBe(200);
      expect(servedAfter.body).toEqual(servedBefore.body);
      expect(await get('/anomalies?limit=1000')).toEqual(anomaliesBefore);
    } finally {
      await holder.end();
    }

    // The killed job is retried by the next worker once its lock lapses: it recomputes the 15
    // windows from the second file's readings.
    startWorker();
    await waitFor(
      'the next run to be done',
      async () => (await one(`SELECT count(*)::int AS n FROM stats_run WHERE status = 'done'`)).n === 2,
      60_000,
    );
    expect(await one(`SELECT "full", windows_computed FROM stats_run ORDER BY id DESC LIMIT 1`)).toEqual({
      full: false,
      windows_computed: 15,
    });
    expect((await one(`SELECT count(*)::int AS n FROM stats_pending`)).n).toBe(0);
    const stale = await one(`
      SELECT count(*)::int AS n FROM window_stat w
        JOIN (SELECT turbine_id, date_trunc('day', ts) AS day, avg(power_output) AS mean, count(*)::int AS count
                FROM reading GROUP BY 1, 2) r ON r.turbine_id = w.turbine_id AND r.day = w.window_start
       WHERE w.count <> r.count OR abs(w.mean - r.mean) > 1e-9`);
    expect(stale.n).toBe(0);
    const after = await get('/stats?limit=1000');
    expect(after.status).toBe(200);
    expect(after.body.items).toHaveLength(15);
    expect(after.body).not.toEqual(servedBefore.body); // the new run's values are served
  }, 90_000);
});
