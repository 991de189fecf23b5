import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { writeSampleData } from '@windmill/core/generator/write-sample-data';
import { createPool, type Pool } from '@windmill/core/db/pool';
import { createQueues, ingestJobId } from '@windmill/core/platform/queues';
import { enqueueFile } from '@windmill/core/ingest/enqueue-file';
import { runEntry, type Child } from '../helpers/child-process.js';
import { createPipelineEnv, REDIS_URL, type PipelineEnv } from '../helpers/pipeline-env.js';
import { memoryLogger } from '../helpers/silent-logger.js';
import { sleep, waitFor } from '../helpers/wait.js';

/**
 * Postgres drops the worker's connections in the middle of a file (a Postgres restart or failover
 * does exactly this to its clients): the load's transaction rolls back, so no reading of the file
 * is ever visible, and the job is retried with backoff until the file is loaded, once.
 */
describe('the worker loses its Postgres connections mid-file', () => {
  let env: PipelineEnv;
  let pool: Pool;
  let redis: Redis;
  let queue: Queue;
  let worker: Child | undefined;
  const { logger } = memoryLogger();
  const ROWS = 60 * 60 * 24;

  beforeAll(async () => {
    env = await createPipelineEnv('pgcut');
    pool = createPool(env.db.url);
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    // The production queue options: retries with exponential backoff.
    queue = createQueues(redis, env.prefix).ingest;
  });
  afterAll(async () => {
    if (worker && worker.process.exitCode === null && worker.process.signalCode === null) worker.process.kill('SIGKILL');
    await worker?.exited;
    await queue.close();
    redis.disconnect();
    await pool.end();
    await env.cleanup();
  });

  it('rolls the file back, retries with backoff and loads it exactly once', async () => {
    worker = runEntry('apps/worker/dist/main.js', { ...env.env, LOG_LEVEL: 'info', WORKER_CONCURRENCY: '2' }); // starts while the file is written
    const data = await writeSampleData(path.join(env.dirs.watch, 'big'), { turbines: 60, days: 60, files: 1, seed: 'pg-cut' });
    const file = data.files[0]!;
    const { fileId } = (await enqueueFile({ pool, queue, logger }, file)) as { fileId: number };

    // One connection of the test's own both watches and cuts, so the cut never hits the watcher.
    const observer = new pg.Client({ connectionString: env.db.url });
    await observer.connect();
    const visible = async () =>
      (await observer.query(`SELECT count(*)::int AS n FROM reading WHERE file_id = $1`, [fileId])).rows[0].n as number;
    const status = async () =>
      (await observer.query(`SELECT status, attempts, rows_loaded FROM ingested_file WHERE id = $1`, [fileId])).rows[0];
    try {
      await waitFor('the worker to be loading the file', async () => (await status()).status === 'processing', 30_000, 20);
      // Into the file: the load's transaction has begun writing (it holds a transaction id).
      await waitFor(
        'the load transaction to be writing',
        async () => {
          const { rows } = await observer.query(
            `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL`,
          );
          return rows.length > 0;
        },
        30_000,
        20,
      );
      await sleep(200);

      const cut = await observer.query(
        `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
      const cutAt = Date.now();
      expect(cut.rows.length).toBeGreaterThan(0);

      const seen = new Set<number>();
      let retriedAt = 0;
      await waitFor(
        'the file to be done',
        async () => {
          seen.add(await visible());
          const row = await status();
          if (!retriedAt && row.attempts >= 2) retriedAt = Date.now();
          return row.status === 'done';
        },
        60_000,
        25,
      );
      seen.add(await visible());

      // Never a partial file: before the commit nothing, after it everything.
      expect([...seen].every((n) => n === 0 || n === ROWS)).toBe(true);
      expect(seen.has(0)).toBe(true);
      const row = await status();
      expect(row.rows_loaded).toBe(ROWS);
      expect(row.attempts).toBeGreaterThanOrEqual(2);
      // The retry was spaced from the cut: BullMQ's backoff, or the outage wait (both 2 s, doubling).
      expect(retriedAt - cutAt).toBeGreaterThanOrEqual(1_500);
      expect(await visible()).toBe(ROWS);
      const { rows } = await observer.query(`SELECT count(*)::int AS n, count(DISTINCT (turbine_id, ts))::int AS d FROM reading`);
      expect(rows[0]).toEqual({ n: ROWS, d: ROWS });
      expect((await observer.query(`SELECT count(*)::int AS n FROM ingested_file`)).rows[0].n).toBe(1);
    } finally {
      await observer.end();
    }

    const job = await queue.getJob(ingestJobId(fileId));
    expect(job?.attemptsMade).toBeGreaterThanOrEqual(1);
    expect(await job?.getState()).toBe('completed');
    // Seen as an outage when the database did not answer right after the cut, else as one attempt.
    expect(worker.output()).toMatch(/ingest attempt failed; will retry|database or queue unreachable: the file waits for it/);
    await waitFor('the file to be moved', async () => (await readdir(env.dirs.processed)).includes(path.basename(file)), 30_000);
    // The same process did the retry: losing Postgres did not crash it.
    expect(worker.process.exitCode).toBeNull();
    worker.process.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
  }, 90_000);
});
