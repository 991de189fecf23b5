import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { runIngest } from '@windmill/core/ingest/batch-ingest';
import { parseConfig } from '@windmill/core/config/config';
import { createPool, type Pool } from '@windmill/core/db/pool';
import { createCleanRunner } from '@windmill/core/ingest/clean-runner';
import { INGEST_QUEUE } from '@windmill/core/platform/queues';
import { enqueueFile } from '@windmill/core/ingest/enqueue-file';
import { runEntry, type Child } from '../helpers/child-process.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createPipelineEnv, REDIS_URL, type PipelineEnv } from '../helpers/pipeline-env.js';
import { processMemoryMb } from '../helpers/process-memory.js';
import { memoryLogger } from '../helpers/silent-logger.js';
import { waitFor } from '../helpers/wait.js';

const HEADER = 'timestamp,turbine_id,wind_speed,wind_direction,power_output';

/** Writes `count` lines (each produced on demand) to `file`, honouring back-pressure. */
async function writeLines(file: string, count: number, line: (i: number) => string): Promise<void> {
  const out = createWriteStream(file);
  for (let i = 0; i < count; i++) if (!out.write(line(i))) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

/**
 * Files that exhausted the parser on main: each made the parse thread run out of memory, the job
 * retried 8 times as if the error were transient, and the file stayed in the inbox. Through a real
 * worker process, each must now end `failed` at the first attempt with a reason a person
 * understands, be moved to FAILED_DIR with its .error.json, and leave the worker's RSS bounded.
 */
describe('files that would exhaust the parser', () => {
  let env: PipelineEnv;
  let pool: Pool;
  let redis: Redis;
  let queue: Queue;
  let worker: Child;
  const { logger } = memoryLogger();

  beforeAll(async () => {
    env = await createPipelineEnv('exhaustion', { LOG_LEVEL: 'info' });
    pool = createPool(env.db.url);
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(INGEST_QUEUE, { connection: redis, prefix: env.prefix });
    await mkdir(env.dirs.watch, { recursive: true });
    worker = runEntry('apps/worker/dist/main.js', { ...env.env, WORKER_CONCURRENCY: '1' });
    await waitFor('worker ready', () => worker.output().includes('workers ready'), 60_000);
  });
  afterAll(async () => {
    if (worker.process.exitCode === null && worker.process.signalCode === null) worker.process.kill('SIGKILL');
    await worker.exited;
    await queue.close();
    redis.disconnect();
    await pool.end();
    await env.cleanup();
  });

  const CASES: Array<{ name: string; write: (file: string) => Promise<void>; reason: RegExp }> = [
    {
      name: 'a million lines of x',
      write: (file) => writeLines(file, 1_000_001, (i) => (i === 0 ? `${HEADER}\n` : 'x\n')),
      reason: /more than 100000 lines rejected.*line \d+: column_count/,
    },
    {
      name: 'an unclosed quote on line 2 of a 10 MB file',
      write: (file) =>
        writeLines(file, 300_001, (i) =>
          i === 0 ? `${HEADER}\n2022-03-01 00:00:00,1,5,90,"2.5\n` : `2022-03-01 ${String(i % 24).padStart(2, '0')}:00:00,1,5,90,2.5\n`,
        ),
      reason: /record starting at line 2 is longer than 1048576 bytes \(an unclosed quote\?\)/,
    },
    {
      name: '40 lines of a million fields',
      write: (file) => writeLines(file, 41, (i) => (i === 0 ? `${HEADER}\n` : `${','.repeat(999_999)}\n`)),
      reason: /line 2 has more than 16384 fields/,
    },
  ];

  it.each(CASES)(
    '$name: failed at once, moved with .error.json, worker RSS bounded',
    async ({ name, write, reason }) => {
      const file = path.join(env.dirs.watch, `${name.replace(/\W+/g, '-')}.csv`);
      await write(file);
      const queued = await enqueueFile({ pool, queue, logger }, file);
      expect(queued.queued).toBe(true);
      const fileId = (queued as { fileId: number }).fileId;

      let peakMb = 0;
      const row = await waitFor(
        `${name} to end`,
        async () => {
          peakMb = Math.max(peakMb, await processMemoryMb(worker.process.pid!, 'VmRSS'));
          const { rows } = await pool.query(`SELECT status, error, attempts, final_path FROM ingested_file WHERE id = $1`, [fileId]);
          return rows[0]?.status === 'failed' && rows[0]?.final_path ? rows[0] : null;
        },
        120_000,
        200,
      );
      expect(row.error).toMatch(reason);
      expect(row.attempts).toBe(1);
      const failed = await readdir(env.dirs.failed);
      const moved = path.basename(row.final_path as string);
      expect(failed).toEqual(expect.arrayContaining([moved, `${moved}.error.json`]));
      const explanation = JSON.parse(await readFile(path.join(env.dirs.failed, `${moved}.error.json`), 'utf8'));
      expect(explanation.error).toMatch(reason);
      // Its place is recorded just before it leaves the inbox.
      await waitFor('the file to leave the inbox', async () => !(await readdir(env.dirs.watch)).includes(path.basename(file)));
      expect(await readdir(env.dirs.watch)).not.toContain(path.basename(file));
      // Nothing of a failed file stays behind.
      const { rows } = await pool.query(`SELECT count(*)::int AS n FROM rejected_row WHERE file_id = $1`, [fileId]);
      expect(rows[0].n).toBe(0);
      expect(await processMemoryMb(worker.process.pid!, 'VmHWM')).toBeLessThan(300);
      peakMb = Math.max(peakMb, await processMemoryMb(worker.process.pid!, 'VmHWM'));
      process.stdout.write(`${name}: worker peak RSS ${peakMb.toFixed(0)} MB\n`);
    },
    180_000,
  );
});

describe('a parse thread that dies anyway', () => {
  let db: TestDatabase;
  let pool: Pool;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase('thread-death');
    pool = createPool(db.url);
    dir = await mkdtemp(path.join(tmpdir(), 'windmill-thread-death-'));
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('fails the file as unreadable instead of a transient error', async () => {
    // Rows out of time order are held and sorted in the thread: 400 000 of them cannot fit in a
    // thread limited to a 32 MB heap, which dies with "Worker terminated due to reaching memory limit".
    const file = path.join(dir, 'unsorted.csv');
    await writeLines(file, 400_001, (i) =>
      i === 0
        ? `${HEADER}\n`
        : `${new Date(Date.UTC(2022, 0, 1) + (400_000 - i) * 3_600_000).toISOString().slice(0, 19).replace('T', ' ')},1,5,90,2.5\n`,
    );
    const cleaner = createCleanRunner(1, { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 });
    try {
      const summary = await runIngest(
        { pool, logger: memoryLogger().logger, config: parseConfig({ DATABASE_URL: db.url }, dir), cleaner },
        [file],
        dir,
      );
      expect(summary.files[0]!.outcome).toMatchObject({
        status: 'failed',
        error: expect.stringMatching(/could not be parsed within the parse thread's limits \(.*memory limit/),
      });
      const { rows } = await pool.query(`SELECT status, error FROM ingested_file`);
      expect(rows).toEqual([{ status: 'failed', error: expect.stringMatching(/memory limit/) }]);
      const readings = await pool.query(`SELECT count(*)::int AS n FROM reading`);
      expect(readings.rows[0].n).toBe(0);
    } finally {
      await cleaner.close();
    }
  }, 120_000);
});
