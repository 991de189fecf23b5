import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { writeSampleData } from '@windmill/core/generator/write-sample-data';
import { createPool, type Pool } from '@windmill/core/db/pool';
import { INGEST_QUEUE } from '@windmill/core/platform/queues';
import { enqueueFile } from '@windmill/core/ingest/enqueue-file';
import { runEntry, type Child } from '../helpers/child-process.js';
import { createPipelineEnv, REDIS_URL, type PipelineEnv } from '../helpers/pipeline-env.js';
import { resetTables } from '../helpers/reset.js';
import { memoryLogger } from '../helpers/silent-logger.js';
import { waitFor } from '../helpers/wait.js';

/** Worker processes that die or compete: the ledger and the readings must still come out exactly once. */
describe('worker processes under faults', () => {
  let env: PipelineEnv;
  let pool: Pool;
  let redis: Redis;
  let queue: Queue;
  const children: Child[] = [];
  const { logger } = memoryLogger();

  beforeAll(async () => {
    env = await createPipelineEnv('faults');
    pool = createPool(env.db.url);
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(INGEST_QUEUE, { connection: redis, prefix: env.prefix });
  });
  afterEach(async () => {
    for (const c of children.splice(0)) {
      if (c.process.exitCode === null && c.process.signalCode === null) {
        c.process.kill('SIGKILL');
        await c.exited;
      }
    }
  });
  afterAll(async () => {
    await queue.close();
    redis.disconnect();
    await pool.end();
    await env.cleanup();
  });

  const startWorker = () => {
    const child = runEntry('apps/worker/dist/main.js', { ...env.env, LOG_LEVEL: 'info', WORKER_CONCURRENCY: '2' });
    children.push(child);
    return child;
  };
  const count = async (sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows[0].n as number;

  it('a worker killed with SIGKILL mid-file: after a restart the file is loaded exactly once', async () => {
    // 60 turbines x 60 days hourly = 86,400 rows in one file: long enough to be killed in the middle.
    const data = await writeSampleData(path.join(env.dirs.watch, 'big'), { turbines: 60, days: 60, files: 1, seed: 'crash' });
    const file = data.files[0]!;
    const { fileId } = (await enqueueFile({ pool, queue, logger }, file)) as { fileId: number };

    const first = startWorker();
    await waitFor(
      'the worker to be loading',
      async () => (await count(`SELECT count(*)::int AS n FROM ingested_file WHERE status = 'processing'`)) === 1,
      30_000,
      20,
    );
    first.process.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(await count(`SELECT count(*)::int AS n FROM reading`)).toBe(0); // nothing half-loaded is visible

    const second = startWorker();
    await waitFor(
      'the file to be done',
      async () => (await count(`SELECT count(*)::int AS n FROM ingested_file WHERE id = $1 AND status = 'done'`, [fileId])) === 1,
      60_000,
    );
    expect(await count(`SELECT count(*)::int AS n FROM reading`)).toBe(86_400);
    expect(await count(`SELECT count(*)::int AS n FROM (SELECT turbine_id, ts FROM reading GROUP BY 1, 2 HAVING count(*) > 1) d`)).toBe(0);
    const row = (await pool.query(`SELECT rows_loaded, attempts FROM ingested_file WHERE id = $1`, [fileId])).rows[0];
    expect(row.rows_loaded).toBe(86_400);
    expect(row.attempts).toBeGreaterThanOrEqual(2);
    await waitFor('file moved', async () => (await readdir(env.dirs.processed)).includes(path.basename(file)));
    second.process.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
  }, 120_000);

  it('two workers on one queue never load a file twice', async () => {
    await resetTables(pool, { keepIds: true });
    const data = await writeSampleData(path.join(env.dirs.watch, 'many'), { turbines: 12, days: 10, files: 12, seed: 'race' });
    const workers = [startWorker(), startWorker()];
    await waitFor('both workers ready', () => workers.every((w) => w.output().includes('workers ready')), 30_000);
    // Each file is queued twice (as a watcher would on repeated events): still one ledger row and one load each.
    for (const file of data.files) {
      await enqueueFile({ pool, queue, logger }, file);
      await enqueueFile({ pool, queue, logger }, file);
    }
    await waitFor(
      'all files done',
      async () => (await count(`SELECT count(*)::int AS n FROM ingested_file WHERE status = 'done'`)) === 12,
      60_000,
    );
    expect(await count(`SELECT count(*)::int AS n FROM ingested_file`)).toBe(12);
    expect(await count(`SELECT count(*)::int AS n FROM reading`)).toBe(12 * 10 * 24);
    expect(await count(`SELECT sum(rows_loaded)::int AS n FROM ingested_file`)).toBe(12 * 10 * 24);
    // Both processes took part (each logs the files it finished).
    expect(workers.every((w) => w.output().includes('ingest job finished'))).toBe(true);
    for (const w of workers) w.process.kill('SIGTERM');
    for (const w of workers) expect((await w.exited).code).toBe(0);
  }, 120_000);
});
