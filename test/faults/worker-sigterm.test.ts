import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { writeSampleData } from '@windmill/core/generator/write-sample-data';
import { createPool, type Pool } from '@windmill/core/db/pool';
import { createQueues } from '@windmill/core/platform/queues';
import { enqueueFile } from '@windmill/core/ingest/enqueue-file';
import { runEntry, type Child } from '../helpers/child-process.js';
import { createPipelineEnv, REDIS_URL, type PipelineEnv } from '../helpers/pipeline-env.js';
import { memoryLogger } from '../helpers/silent-logger.js';
import { sleep, waitFor } from '../helpers/wait.js';

/**
 * SIGTERM to a worker process in the middle of a large file (what `docker compose stop` and a
 * rolling deploy do): the process exits 0 within SHUTDOWN_TIMEOUT_SECONDS, the file is either
 * wholly loaded or not at all, and a worker started afterwards leaves it loaded exactly once.
 */
describe('a worker stopped with SIGTERM in the middle of a file', () => {
  let env: PipelineEnv;
  let pool: Pool;
  let redis: Redis;
  let queue: Queue;
  const children: Child[] = [];
  const { logger } = memoryLogger();
  // 60 turbines x 60 days hourly = 86,400 lines in one file: seconds of work, time to stop half-way.
  const ROWS = 60 * 60 * 24;

  beforeAll(async () => {
    env = await createPipelineEnv('sigterm');
    pool = createPool(env.db.url);
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    // The production queue options: retries with exponential backoff.
    queue = createQueues(redis, env.prefix).ingest;
  });
  afterEach(async () => {
    for (const c of children.splice(0)) {
      if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
      await c.exited;
    }
  });
  afterAll(async () => {
    await queue.close();
    redis.disconnect();
    await pool.end();
    await env.cleanup();
  });

  const startWorker = (extra: Record<string, string> = {}) => {
    const child = runEntry('apps/worker/dist/main.js', { ...env.env, LOG_LEVEL: 'info', WORKER_CONCURRENCY: '2', ...extra });
    children.push(child);
    return child;
  };
  const count = async (sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows[0].n as number;
  const fileRow = async (fileId: number) =>
    (await pool.query(`SELECT status, rows_total, rows_loaded, attempts FROM ingested_file WHERE id = $1`, [fileId])).rows[0];
  const readingsOf = (fileId: number) => count(`SELECT count(*)::int AS n FROM reading WHERE file_id = $1`, [fileId]);

  /** Starts a worker and queues a freshly generated big file for it (its own seed, so its content is new). */
  async function workerLoadingBigFile(seed: string, extra: Record<string, string>, span = { start: '2022-03-01', days: 60 }) {
    const worker = startWorker(extra); // it starts up while the file is written
    const data = await writeSampleData(path.join(env.dirs.watch, seed), { turbines: 60, ...span, files: 1, seed });
    const file = data.files[0]!;
    const { fileId } = (await enqueueFile({ pool, queue, logger }, file)) as { fileId: number };
    // Its SIGTERM handler is in place once it says it is ready.
    await waitFor('the worker to be ready', () => worker.output().includes('workers ready'), 30_000, 20);
    await waitFor('the worker to be loading the file', async () => (await fileRow(fileId)).status === 'processing', 30_000, 20);
    return { file, fileId, worker };
  }

  /** Polls the file's visible readings until `until` settles; every poll must see all of them or none. */
  function watchVisibility(fileId: number) {
    const seen = new Set<number>();
    let stop = false;
    const done = (async () => {
      while (!stop) {
        seen.add(await readingsOf(fileId));
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();
    return {
      seen,
      async stop() {
        stop = true;
        await done;
      },
    };
  }

  /** Sends SIGTERM and waits for the worker to exit; what the file's watch saw until then. */
  async function stopWorker(worker: Child, visibility: ReturnType<typeof watchVisibility>) {
    const signalledAt = Date.now();
    worker.process.kill('SIGTERM');
    const exit = await worker.exited;
    const stoppedAfterMs = Date.now() - signalledAt;
    await visibility.stop();
    return { exit, stoppedAfterMs, seen: [...visibility.seen] };
  }

  it('with time to finish: exits 0 within SHUTDOWN_TIMEOUT_SECONDS and the file is whole or absent, then loaded once', async () => {
    const { file, fileId, worker } = await workerLoadingBigFile('sigterm-graceful', { SHUTDOWN_TIMEOUT_SECONDS: '30' });
    const visibility = watchVisibility(fileId);
    const { exit, stoppedAfterMs, seen } = await stopWorker(worker, visibility);

    expect(exit).toEqual({ code: 0, signal: null });
    expect(stoppedAfterMs).toBeLessThan(30_000 + 5_000);
    expect(seen.every((n) => n === 0 || n === ROWS)).toBe(true);
    const afterStop = await fileRow(fileId);
    if (afterStop.status === 'done') {
      expect([afterStop.rows_total, afterStop.rows_loaded]).toEqual([ROWS, ROWS]);
      expect(await readingsOf(fileId)).toBe(ROWS);
    } else {
      expect(await readingsOf(fileId)).toBe(0);
    }

    const again = startWorker();
    await waitFor('the second worker to be ready', () => again.output().includes('workers ready'), 30_000);
    await waitFor('the file to be done', async () => (await fileRow(fileId)).status === 'done', 60_000);
    await waitFor('the file to be moved', async () => (await readdir(env.dirs.processed)).includes(path.basename(file)), 30_000);
    expect(await count(`SELECT count(*)::int AS n FROM ingested_file WHERE path = $1`, [file])).toBe(1);
    expect(await readingsOf(fileId)).toBe(ROWS);
    expect((await fileRow(fileId)).rows_loaded).toBe(ROWS);
    again.process.kill('SIGTERM');
    expect(await again.exited).toEqual({ code: 0, signal: null });
  }, 90_000);

  it('past the deadline (SHUTDOWN_TIMEOUT_SECONDS=1): exits 0 at once, nothing half-loaded, then loaded once', async () => {
    // Eight times as big (and other days), so it is surely still loading a second after the signal.
    const { file, fileId, worker } = await workerLoadingBigFile(
      'sigterm-deadline',
      { SHUTDOWN_TIMEOUT_SECONDS: '1' },
      { start: '2023-01-01', days: 480 },
    );
    const visibility = watchVisibility(fileId);
    const { exit, stoppedAfterMs, seen } = await stopWorker(worker, visibility);

    expect(exit).toEqual({ code: 0, signal: null });
    expect(stoppedAfterMs).toBeLessThan(1_000 + 4_000);
    expect(worker.output()).toContain('active jobs did not finish before the shutdown deadline');
    expect(seen).toEqual([0]);
    expect((await fileRow(fileId)).status).not.toBe('done');
    expect(await readingsOf(fileId)).toBe(0);

    // The abandoned job's lock lapses after JOB_LOCK_SECONDS; the next worker takes it up.
    startWorker();
    await waitFor('the file to be done', async () => (await fileRow(fileId)).status === 'done', 60_000);
    await waitFor('the file to be moved', async () => (await readdir(env.dirs.processed)).includes(path.basename(file)), 30_000);
    const row = await fileRow(fileId);
    expect([row.rows_total, row.rows_loaded]).toEqual([8 * ROWS, 8 * ROWS]);
    expect(row.attempts).toBeGreaterThanOrEqual(2);
    expect(await readingsOf(fileId)).toBe(8 * ROWS);
    expect(await count(`SELECT count(*)::int AS n FROM ingested_file WHERE path = $1`, [file])).toBe(1);
  }, 90_000);

  it('signalled again: at once is the same request, a second later exits at once (130), nothing half-loaded, left for the next worker', async () => {
    const { file, fileId, worker } = await workerLoadingBigFile(
      'sigterm-impatient',
      { SHUTDOWN_TIMEOUT_SECONDS: '30' },
      { start: '2024-06-01', days: 480 },
    );
    const visibility = watchVisibility(fileId);
    // Two at once, as a terminal's Ctrl-C and npm's relay of it arrive: the worker keeps finishing.
    worker.process.kill('SIGTERM');
    worker.process.kill('SIGTERM');
    await sleep(1_200);
    expect({ exitCode: worker.process.exitCode, status: (await fileRow(fileId)).status }).toEqual({ exitCode: null, status: 'processing' });
    // An operator who will not wait.
    const { exit, stoppedAfterMs, seen } = await stopWorker(worker, visibility);

    expect(exit).toEqual({ code: 130, signal: null });
    expect(stoppedAfterMs).toBeLessThan(10_000); // not the 30 s deadline
    expect(worker.output()).toContain('second signal: exiting now');
    expect(seen).toEqual([0]);
    expect(await readingsOf(fileId)).toBe(0);

    // The file waits in the inbox for the next worker, as after the deadline above.
    expect(await readdir(path.dirname(file))).toContain(path.basename(file));
  }, 90_000);
});
