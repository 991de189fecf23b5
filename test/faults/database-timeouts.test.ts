import { copyFile, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createPool, type Pool } from '@windmill/core/db/pool';
import { jobTimeouts } from '@windmill/core/db/timeouts';
import { createCleanRunner } from '@windmill/core/ingest/clean-runner';
import { enqueueFile } from '@windmill/core/ingest/enqueue-file';
import { ingestQueuedFile } from '@windmill/core/ingest/ingest-queued-file';
import { queueFile } from '@windmill/core/ingest/ingested-file.repository';
import { createQueues, INGEST_JOB, ingestJobId, requestStatsRun, type Queues } from '@windmill/core/platform/queues';
import { computeStats } from '@windmill/core/stats/compute-stats';
import { runEntry, type Child } from '../helpers/child-process.js';
import { ledgerRow } from '../helpers/ledger.js';
import { CHALLENGE_DIR } from '../helpers/paths.js';
import { createPipelineEnv, REDIS_URL, type PipelineEnv } from '../helpers/pipeline-env.js';
import { memoryLogger } from '../helpers/silent-logger.js';
import { waitFor } from '../helpers/wait.js';

const TIMED_OUT = 'canceling statement due to statement timeout';
const ABORTED = 'current transaction is aborted';

/**
 * A database setting gone wrong and fixed again: `ALTER DATABASE ... SET statement_timeout = '5ms'`,
 * later `RESET`. On main the pooled connections opened meanwhile kept 5 ms for ever, so 66 stats
 * runs failed in 3 min 40 s until a restart, files that timed out used up their attempts and went
 * to FAILED_DIR, and half the failed runs logged "current transaction is aborted" instead of the
 * timeout. Here a worker process (the production build) runs through it: loads and stats runs set
 * their own limits per transaction, a statement that times out makes the file wait without using
 * an attempt, and connections are renewed every DATABASE_CONNECTION_LIFETIME_SECONDS, so the reset
 * reaches the worker without a restart.
 */
describe('a database statement_timeout of 5 ms set and reset while a worker loads files and runs statistics', () => {
  let env: PipelineEnv;
  let redis: Redis;
  let queues: Queues;
  let observer: pg.Client;
  let holder: pg.Client;
  let holderPid: number;
  let worker: Child | undefined;
  let ticking: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    env = await createPipelineEnv('db_timeouts', {
      // A tiny retry budget: on main, a file timing out for seconds would use it up and fail.
      INGEST_ATTEMPTS: '2',
      INGEST_BACKOFF_MS: '200',
      OUTAGE_BACKOFF_MAX_SECONDS: '1',
      DATABASE_CONNECTION_LIFETIME_SECONDS: '1',
      LOG_LEVEL: 'info',
    });
    await mkdir(env.dirs.watch, { recursive: true });
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    queues = createQueues(redis, env.prefix, { attempts: 2, backoffMs: 200 });
    // The test's own sessions open before the setting, so they keep no limit.
    observer = new pg.Client({ connectionString: env.db.url });
    holder = new pg.Client({ connectionString: env.db.url });
    await observer.connect();
    await holder.connect();
    holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  });
  afterAll(async () => {
    clearInterval(ticking);
    if (worker && worker.process.exitCode === null && worker.process.signalCode === null) worker.process.kill('SIGKILL');
    await worker?.exited;
    await observer?.query(`ALTER DATABASE "${env.db.name}" RESET statement_timeout`).catch(() => undefined);
    await holder?.end().catch(() => undefined);
    await observer?.end().catch(() => undefined);
    await queues?.ingest.close();
    await queues?.stats.close();
    redis?.disconnect();
    await env?.cleanup();
  });

  const one = async <T>(sql: string, params: unknown[] = []) => (await observer.query(sql, params)).rows[0] as T;
  const fileRow = (id: number) => ledgerRow(observer, id, ['status', 'final_path']);
  const doneRunsSince = async (since: Date) =>
    (await one<{ n: number }>(`SELECT count(*)::int AS n FROM stats_run WHERE status = 'done' AND started_at > $1`, [since])).n;
  /** Backends of the test database other than the test's own two sessions that started before `instant`. */
  const sessionsOpenedBefore = async (instant: Date) =>
    (
      await one<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND pid NOT IN (pg_backend_pid(), $1) AND backend_start < $2`,
        [holderPid, instant],
      )
    ).n;

  it('loses no file and no attempt, logs the timeout itself, and heals after the reset without a restart', async () => {
    worker = runEntry('apps/worker/dist/main.js', env.env);
    await waitFor('the worker to be ready', () => worker!.output().includes('workers ready'), 30_000);

    // Before the fault: one file loaded and its statistics computed.
    const first = path.join(env.dirs.watch, 'data_group_1.csv');
    await copyFile(path.join(CHALLENGE_DIR, 'data_group_1.csv'), first);
    const setupPool: Pool = createPool(env.db.url, 1);
    const { logger } = memoryLogger();
    const queuedFirst = (await enqueueFile({ pool: setupPool, queue: queues.ingest, logger, inbox: env.dirs.watch }, first)) as {
      fileId: number;
    };
    await setupPool.end();
    await waitFor('the first file to be loaded', async () => (await fileRow(queuedFirst.fileId))?.status === 'done', 30_000);
    // Stats runs keep coming, as a short STATS_INTERVAL_SECONDS would send them; they also keep a
    // pooled session of the worker busy, so Postgres' idle timeout alone never renews it.
    ticking = setInterval(() => void requestStatsRun(queues.stats, 'api').catch(() => undefined), 250);
    await waitFor('a stats run before the fault', async () => (await doneRunsSince(new Date(0))) > 0, 30_000);

    // The fault. New sessions get 5 ms; the worker's pooled ones are renewed within about a second.
    await observer.query(`ALTER DATABASE "${env.db.name}" SET statement_timeout = '5ms'`);
    const faultAt = new Date((await one<{ now: Date }>('SELECT clock_timestamp() AS now')).now);
    await waitFor(
      'every session the worker opened before the setting to be renewed',
      async () => (await sessionsOpenedBefore(faultAt)) === 0,
      20_000,
    );

    // A file arrives. Its ledger row is row-locked by another session for a while, so the load's
    // first statement (marking the row processing, on a pool session of 5 ms) cannot finish in time.
    const second = path.join(env.dirs.watch, 'data_group_2.csv');
    await copyFile(path.join(CHALLENGE_DIR, 'data_group_2.csv'), second);
    const { id: secondId } = await queueFile(observer, second, null, null);
    await holder.query('BEGIN');
    await holder.query('SELECT 1 FROM ingested_file WHERE id = $1 FOR UPDATE', [secondId]);
    await queues.ingest.add(INGEST_JOB, { fileId: secondId, path: second }, { jobId: ingestJobId(secondId) });
    const waits = () => worker!.output().split('the file waits and tries again (no attempt used)').length - 1;
    // Far more waits than its 2 attempts, each retry 200 ms to 1 s apart.
    await waitFor('the file to wait on timeouts several times', () => waits() >= 4, 30_000);
    // Meanwhile stats runs go on: each run's transaction sets its own limits.
    await waitFor('a stats run during the fault', async () => (await doneRunsSince(faultAt)) > 0, 30_000);

    expect(worker.output()).toContain(TIMED_OUT);
    const job = await queues.ingest.getJob(ingestJobId(secondId));
    expect(['delayed', 'waiting', 'active']).toContain(await job?.getState());
    expect(await queues.ingest.getFailedCount()).toBe(0);
    expect((await fileRow(secondId))?.status).toBe('queued');
    expect(await readdir(env.dirs.failed).catch(() => [])).toEqual([]);

    // The fix: the lock released and the setting reset. No restart.
    await holder.query('ROLLBACK');
    await observer.query(`ALTER DATABASE "${env.db.name}" RESET statement_timeout`);
    const resetAt = new Date();
    await waitFor('the second file to be loaded', async () => (await fileRow(secondId))?.status === 'done', 60_000);
    const loadedAt = new Date();
    await waitFor('a stats run after the load', async () => (await doneRunsSince(loadedAt)) > 0, 60_000);
    clearInterval(ticking);
    expect(await doneRunsSince(resetAt)).toBeGreaterThan(0);

    const loaded = await fileRow(secondId);
    expect(loaded?.final_path).toBe(path.join(env.dirs.processed, 'data_group_2.csv'));
    expect(await readdir(env.dirs.failed).catch(() => [])).toEqual([]);
    // Completed by its first attempt: the waits used none (BullMQ counts the successful one).
    const finished = await queues.ingest.getJob(ingestJobId(secondId));
    expect(await finished?.getState()).toBe('completed');
    expect(finished?.attemptsMade).toBe(1);
    // The second file's turbines have their statistics: 5 turbines x 31 days.
    const { n: windows } = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM window_stat WHERE turbine_id IN (SELECT DISTINCT turbine_id FROM reading WHERE file_id = $1)`,
      [secondId],
    );
    expect(windows).toBe(5 * 31);
    expect((await one<{ n: number }>(`SELECT count(*)::int AS n FROM stats_run WHERE status = 'failed'`)).n).toBe(0);

    // The log names the timeout, never only the aborted transaction that follows a failed statement.
    expect(worker.output()).toContain(TIMED_OUT);
    expect(worker.output()).not.toContain(ABORTED);
    // The same process did all of it.
    expect(worker.process.exitCode).toBeNull();
    worker.process.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
  }, 180_000);
});

/**
 * A timeout inside the transactions themselves, made certain: another session holds an ACCESS
 * EXCLUSIVE lock on `reading`, and the load and the stats run are given a lock timeout of 200 ms.
 */
describe('a lock timeout inside a load or a stats run', () => {
  let env: PipelineEnv;
  let pool: Pool;
  let holder: pg.Client;
  const cleaner = createCleanRunner(1);
  const settings = { timeZone: 'UTC', bounds: { windSpeedMax: 50, powerMin: 0, powerMax: 20 }, maxGapSeconds: 7200 };
  const timeouts = { ...jobTimeouts(30), lockMs: 200 };

  beforeAll(async () => {
    env = await createPipelineEnv('tx_timeouts');
    await mkdir(env.dirs.watch, { recursive: true });
    pool = createPool(env.db.url, 4);
    holder = new pg.Client({ connectionString: env.db.url });
    await holder.connect();
  });
  afterAll(async () => {
    await holder?.end().catch(() => undefined);
    await cleaner.close();
    await pool?.end();
    await env?.cleanup();
  });

  const lockReadings = async () => {
    await holder.query('BEGIN');
    await holder.query('LOCK reading IN ACCESS EXCLUSIVE MODE');
  };

  it('a load that times out waits for the database: no attempt used, the file stays in the inbox, then loads', async () => {
    const file = path.join(env.dirs.watch, 'data_group_3.csv');
    await copyFile(path.join(CHALLENGE_DIR, 'data_group_3.csv'), file);
    const { id } = await queueFile(pool, file, null, null);
    const { logger } = memoryLogger();
    const deps = { pool, logger, cleaner, settings, timeouts, inbox: env.dirs.watch, dirs: { ...env.dirs, deleteAfterIngest: false } };
    // The last attempt: on main a timeout here gave up and failed the file.
    const lastAttempt = { number: 2, of: 2, canWaitForDatabase: true };
    await lockReadings();
    let outcome;
    try {
      outcome = await ingestQueuedFile(deps, { fileId: id, path: file }, lastAttempt, logger);
    } finally {
      await holder.query('ROLLBACK');
    }
    expect(outcome.kind).toBe('wait-for-database');
    expect((outcome as { error: { code?: string } }).error.code).toBe('55P03');
    expect((await pool.query(`SELECT status FROM ingested_file WHERE id = $1`, [id])).rows[0].status).toBe('processing');
    expect(await readdir(env.dirs.watch)).toEqual(['data_group_3.csv']);
    expect(await readdir(env.dirs.failed).catch(() => [])).toEqual([]);
    expect((await pool.query(`SELECT count(*)::int AS n FROM reading`)).rows[0].n).toBe(0);

    const retried = await ingestQueuedFile(deps, { fileId: id, path: file }, lastAttempt, logger);
    expect(retried).toMatchObject({ kind: 'settled', status: 'done', finalPath: path.join(env.dirs.processed, 'data_group_3.csv') });
    expect((await pool.query(`SELECT count(*)::int AS n FROM reading`)).rows[0].n).toBe(3720);
  });

  it('a stats run that times out logs the lock timeout, not the aborted transaction after it', async () => {
    const { logger, lines } = memoryLogger();
    await lockReadings();
    try {
      // The first run is a full one: its first pass over the readings runs under withHashAggregation.
      await expect(
        computeStats(pool, { windowSeconds: 86_400, readingIntervalSeconds: 3600, sigma: 2, trigger: 'cli', logger, timeouts }),
      ).rejects.toMatchObject({
        code: '55P03',
      });
    } finally {
      await holder.query('ROLLBACK');
    }
    const failed = lines().find((l) => l.msg === 'stats run failed') as
      { err?: { message?: string; code?: string }; full?: boolean } | undefined;
    expect(failed?.full).toBe(true);
    expect(failed?.err).toMatchObject({ code: '55P03', message: 'canceling statement due to lock timeout' });
    expect(JSON.stringify(lines())).not.toContain(ABORTED);
    // And the next run, unhindered, succeeds.
    await expect(
      computeStats(pool, { windowSeconds: 86_400, readingIntervalSeconds: 3600, sigma: 2, trigger: 'cli', logger, timeouts }),
    ).resolves.toMatchObject({
      status: 'done',
      windowsComputed: 5 * 31,
    });
  });
});
