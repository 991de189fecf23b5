import { appendFile, copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Pool, QueryConfig } from 'pg';
import { writeSampleData } from '@windmill/core/generator/write-sample-data';
import { createCleanRunner } from '@windmill/core/ingest/clean-runner';
import { queueFile } from '@windmill/core/ingest/ingested-file.repository';
import { createPool } from '@windmill/core/db/pool';
import { INGEST_QUEUE, ingestJobId } from '@windmill/core/platform/queues';
import { enqueueFile } from '@windmill/core/ingest/enqueue-file';
import { createIngestProcessor } from '@windmill/worker/ingest-file.processor';
import { runEntry, type Child } from '../helpers/child-process.js';
import { CHALLENGE_DIR } from '../helpers/paths.js';
import { createPipelineEnv, REDIS_URL, type PipelineEnv } from '../helpers/pipeline-env.js';
import { memoryLogger } from '../helpers/silent-logger.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { sleep, waitFor } from '../helpers/wait.js';

/**
 * No ledger row is ever stuck. The retry budget is made tiny here (2 attempts, 200 ms) so that an
 * outage of a few seconds outlasts it many times over, as a 5-minute outage outlasted the default
 * budget on main (its jobs used up their attempts, failed with reused ids, and their rows stayed
 * `processing` for ever). Postgres disappears for the watcher and the worker behind a relay the
 * test cuts; the test's own connections go straight to Postgres.
 */
const BUDGET = { INGEST_ATTEMPTS: '2', INGEST_BACKOFF_MS: '200', OUTAGE_BACKOFF_MAX_SECONDS: '1' };
const OUTAGE_MS = 8_000;

describe('Postgres down for longer than the retry budget', () => {
  let env: PipelineEnv;
  let proxy: TcpProxy;
  let pool: Pool;
  let redis: Redis;
  let queue: Queue;
  const children: Child[] = [];

  beforeAll(async () => {
    env = await createPipelineEnv('pg_outage', { ...BUDGET, LOG_LEVEL: 'info' });
    proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(env.db.url).port || 5432) });
    pool = createPool(env.db.url);
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(INGEST_QUEUE, { connection: redis, prefix: env.prefix });
  });
  const stopChildren = async () => {
    for (const c of children.splice(0)) {
      if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
      await c.exited;
    }
  };
  afterEach(stopChildren);
  afterAll(async () => {
    await stopChildren();
    await queue.close();
    redis.disconnect();
    await pool.end();
    await proxy.close();
    await env.cleanup();
  });

  it('files wait for Postgres without using their attempts, then load exactly once; nothing is stranded', async () => {
    const through = { ...env.env, DATABASE_URL: proxy.rewrite(env.db.url) };
    const worker = runEntry('apps/worker/dist/main.js', through);
    const watcher = runEntry('apps/watcher/dist/main.js', through);
    children.push(worker, watcher);
    await waitFor(
      'watcher and worker up',
      () => watcher.output().includes('watching folder') && worker.output().includes('workers ready'),
      30_000,
    );

    // A file big enough to be cut in the middle of its load.
    const big = await writeSampleData(path.join(env.root, 'gen'), { turbines: 60, days: 60, files: 1, seed: 'outage' });
    await copyFile(big.files[0]!, path.join(env.dirs.watch, 'big.csv'));
    const row = async (name: string) =>
      (
        await pool.query(`SELECT id, status, rows_loaded, final_path, error FROM ingested_file WHERE path = $1`, [
          path.join(env.dirs.watch, name),
        ])
      ).rows[0];
    await waitFor('big.csv to be loading', async () => (await row('big.csv'))?.status === 'processing', 30_000, 20);

    await proxy.cut();
    const cutAt = Date.now();
    // Dropped during the outage: the watcher cannot even record it yet.
    const during = await writeSampleData(path.join(env.root, 'gen-during'), {
      turbines: 2,
      days: 2,
      files: 1,
      start: '2030-01-01',
      seed: 'during',
    });
    await copyFile(during.files[0]!, path.join(env.dirs.watch, 'during.csv'));
    await sleep(OUTAGE_MS);
    const { id: bigId } = await row('big.csv');
    // Far past the budget (2 attempts, 200 ms apart), the job is still alive and nothing is failed.
    expect(['delayed', 'active', 'waiting']).toContain(await queue.getJobState(ingestJobId(bigId)));
    expect((await row('big.csv')).status).toBe('processing');
    expect(await queue.getFailedCount()).toBe(0);
    await proxy.restore();
    const outageMs = Date.now() - cutAt;

    await waitFor(
      'both files done',
      async () => (await row('big.csv'))?.status === 'done' && (await row('during.csv'))?.status === 'done',
      60_000,
    );
    await waitFor('both files moved', async () => (await readdir(env.dirs.processed)).sort().join() === 'big.csv,during.csv', 30_000);
    const bigRow = await row('big.csv');
    const duringRow = await row('during.csv');
    expect(bigRow.rows_loaded).toBe(60 * 60 * 24);
    expect(duringRow.rows_loaded).toBe(2 * 2 * 24);
    expect(bigRow.final_path).toBe(path.join(env.dirs.processed, 'big.csv'));
    expect(duringRow.final_path).toBe(path.join(env.dirs.processed, 'during.csv'));
    const { rows } = await pool.query(`SELECT count(*)::int AS n, count(DISTINCT (turbine_id, ts))::int AS d FROM reading`);
    expect(rows[0]).toEqual({ n: 60 * 60 * 24 + 96, d: 60 * 60 * 24 + 96 });
    expect((await pool.query(`SELECT count(*)::int AS n FROM ingested_file`)).rows[0].n).toBe(2);

    // The outage used none of the job's attempts: it completed on its first (BullMQ counts the successful one).
    const job = await queue.getJob(ingestJobId(bigId));
    expect(await job?.getState()).toBe('completed');
    expect(job?.attemptsMade).toBe(1);
    expect(worker.output()).toContain('database or queue unreachable: the file waits for it (no attempt used)');
    expect(outageMs).toBeGreaterThan(OUTAGE_MS);

    for (const c of [watcher, worker]) c.process.kill('SIGTERM');
    for (const c of [watcher, worker]) expect(await c.exited).toEqual({ code: 0, signal: null });
  }, 150_000);

  it('a job that failed for good without settling its file (as on main) is re-queued by the next scan', async () => {
    // What main left behind: a row `processing`, its job in the failed set, the file in the inbox.
    const file = path.join(env.dirs.watch, 'stranded.csv');
    await copyFile(path.join(CHALLENGE_DIR, 'data_group_3.csv'), file);
    const { logger } = memoryLogger();
    const queued = (await enqueueFile({ pool, queue, logger, inbox: env.dirs.watch }, file)) as { fileId: number };
    await pool.query(`UPDATE ingested_file SET status = 'processing', attempts = 8 WHERE id = $1`, [queued.fileId]);
    const old = new Worker(
      INGEST_QUEUE,
      async () => {
        throw new Error('Connection terminated unexpectedly');
      },
      { connection: redis.duplicate(), prefix: env.prefix },
    );
    await waitFor('the job to fail', async () => (await queue.getJobState(ingestJobId(queued.fileId))) === 'failed');
    await old.close();
    await (old.opts.connection as Redis).quit();

    const watcher = runEntry('apps/watcher/dist/main.js', env.env);
    const worker = runEntry('apps/worker/dist/main.js', env.env);
    children.push(watcher, worker);
    await waitFor(
      'the stranded file to be loaded',
      async () => (await pool.query(`SELECT status FROM ingested_file WHERE id = $1`, [queued.fileId])).rows[0].status === 'done',
      60_000,
    );
    expect(watcher.output()).toContain('file re-queued: its job had failed without settling it');
    await waitFor('moved', async () => (await readdir(env.dirs.processed)).includes('stranded.csv'));
    for (const c of [watcher, worker]) c.process.kill('SIGTERM');
    for (const c of [watcher, worker]) expect((await c.exited).code).toBe(0);
  }, 90_000);
});

/**
 * The processor itself, driven in-process with a database connection that fails exactly where
 * it hurts: attempts running out on a real (non-outage) failure, and the database lost right at
 * the step that records where the file went.
 */
describe('the ingest processor settles every file', () => {
  let env: PipelineEnv;
  const { logger } = memoryLogger();
  const cleaner = createCleanRunner(0);

  beforeAll(async () => {
    env = await createPipelineEnv('settle');
    await mkdir(env.dirs.watch, { recursive: true });
  });
  afterAll(async () => {
    await cleaner.close();
    await env.cleanup();
  });

  const processorWith = (pool: Pool) =>
    createIngestProcessor({
      pool,
      logger,
      cleaner,
      settings: { timeZone: 'UTC', bounds: { windSpeedMax: 50, powerMin: 0, powerMax: 20 }, maxGapSeconds: 7200 },
      dirs: { processed: env.dirs.processed, failed: env.dirs.failed, deleteAfterIngest: false },
      inbox: env.dirs.watch,
    });
  const jobFor = (fileId: number, file: string, attemptsMade: number, attempts: number) =>
    ({
      id: `file-${fileId}`,
      data: { fileId, path: file },
      queueName: 'ingest',
      attemptsMade,
      attemptsStarted: attemptsMade + 1,
      opts: { attempts },
    }) as unknown as Job;

  it('when the attempts run out, the row ends failed with the last error and the file goes to the failed folder', async () => {
    const pool = createPool(env.db.url);
    try {
      const file = path.join(env.dirs.watch, 'keeps-changing.csv');
      const data = await writeSampleData(path.join(env.root, 'changing'), { turbines: 60, days: 20, files: 1, seed: 'changing' });
      await copyFile(data.files[0]!, file);
      const { id } = await queueFile(pool, file, null, null);
      const processor = processorWith(pool);
      // Someone keeps appending while it is read: each attempt finds the file changed.
      let writing = true;
      const writer = (async () => {
        for (let i = 0; writing; i++) {
          await appendFile(file, `2030-01-01 00:${String(i % 60).padStart(2, '0')}:00,1,1.5\n`);
          await sleep(5);
        }
      })();
      try {
        await expect(processor(jobFor(id, file, 0, 2))).rejects.toThrow(/changed while it was read/);
        expect((await pool.query(`SELECT status FROM ingested_file WHERE id = $1`, [id])).rows[0].status).toBe('processing');
        await expect(processor(jobFor(id, file, 1, 2))).rejects.toThrow(/gave up after 2 attempts: the file changed while it was read/);
      } finally {
        writing = false;
        await writer;
      }
      const { rows } = await pool.query(`SELECT status, error, final_path FROM ingested_file WHERE id = $1`, [id]);
      expect(rows[0]).toEqual({
        status: 'failed',
        error: expect.stringMatching(/^gave up after 2 attempts: the file changed while it was read/),
        final_path: path.join(env.dirs.failed, 'keeps-changing.csv'),
      });
      const explanation = JSON.parse(await readFile(path.join(env.dirs.failed, 'keeps-changing.csv.error.json'), 'utf8'));
      expect(explanation.error).toBe(rows[0].error);
      expect((await pool.query(`SELECT count(*)::int AS n FROM reading`)).rows[0].n).toBe(0);
    } finally {
      await pool.end();
    }
  }, 60_000);

  it.each([
    ['before the statement reaches Postgres', 'before'],
    ['after Postgres ran it, before the answer arrived', 'after'],
  ])('the database lost while recording where the file went (%s): the retry finds it, final_path is never NULL', async (_case, when) => {
    const real = createPool(env.db.url);
    try {
      const name = `final-path-${when}.csv`;
      const file = path.join(env.dirs.watch, name);
      await writeFile(file, `timestamp,turbine_id,power_output\n2031-01-0${when === 'before' ? 1 : 2} 00:00:00,7,2.5\n`);
      const { id } = await queueFile(real, file, null, null);
      // A pool whose connection dies once, at the final_path update.
      let failOnce = true;
      const flaky = new Proxy(real, {
        get(target, prop, receiver) {
          if (prop !== 'query') return Reflect.get(target, prop, receiver);
          return async (sql: string | QueryConfig, params?: unknown[]) => {
            const text = typeof sql === 'string' ? sql : sql.text;
            if (failOnce && text.includes('SET final_path')) {
              failOnce = false;
              if (when === 'after') await target.query(sql as string, params);
              throw new Error('Connection terminated unexpectedly');
            }
            return target.query(sql as string, params);
          };
        },
      });
      const processor = processorWith(flaky);
      await expect(processor(jobFor(id, file, 0, 8))).rejects.toThrow(/Connection terminated/);
      const retried = await processor(jobFor(id, file, 0, 8));
      expect(retried.finalPath).toBe(path.join(env.dirs.processed, name));
      const { rows } = await real.query(`SELECT status, final_path FROM ingested_file WHERE id = $1`, [id]);
      expect(rows[0]).toEqual({ status: 'done', final_path: path.join(env.dirs.processed, name) });
      expect(await readdir(env.dirs.processed)).toContain(name);
    } finally {
      await real.end();
    }
  });
});
