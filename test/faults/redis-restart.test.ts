import { readdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { writeSampleData } from '@windmill/core/generator/write-sample-data';
import { createPool, type Pool } from '@windmill/core/db/pool';
import { runEntry, type Child } from '../helpers/child-process.js';
import { readLedger } from '../helpers/ledger.js';
import { startOwnRedis, type OwnRedis } from '../helpers/own-redis.js';
import { createPipelineEnv, type PipelineEnv } from '../helpers/pipeline-env.js';
import { waitForScans } from '../helpers/scans.js';
import { sleep, waitFor } from '../helpers/wait.js';

/**
 * Redis restarted under a running pipeline (watcher and worker as separate processes, as in
 * compose) on a Redis this test owns. With the append-only file (production's setting) queued
 * jobs survive; without it (or with its volume lost) Redis comes back empty and the watcher's
 * reconciliation scan must re-queue every file still in the inbox. Either way each file ends
 * `done` exactly once.
 */
describe('Redis restarted under a running pipeline', () => {
  let redis: OwnRedis;
  let env: PipelineEnv;
  let pool: Pool;
  let watcher: Child;
  let worker: Child;
  // One big file per case: 60 turbines x 360 days (half a million lines), seconds of loading, in
  // flight when Redis dies; its days are its own, so no other file replaces its readings.
  const BIG_ROWS = 60 * 360 * 24;

  beforeAll(async () => {
    redis = await startOwnRedis({ appendonly: true });
    // One file at a time, so files behind the big one wait in Redis as queued jobs.
    env = await createPipelineEnv('redis', { REDIS_URL: redis.url, WORKER_CONCURRENCY: '1', RECONCILE_INTERVAL_SECONDS: '2' });
    pool = createPool(env.db.url);
    // At debug level the watcher logs each folder scan, which the test waits for.
    watcher = runEntry('apps/watcher/dist/main.js', { ...env.env, LOG_LEVEL: 'debug' });
    worker = runEntry('apps/worker/dist/main.js', { ...env.env, LOG_LEVEL: 'info' });
    await generate(); // while the processes start
    await waitFor(
      'the watcher and the worker to be up',
      () => watcher.output().includes('watching folder') && worker.output().includes('workers ready'),
      60_000,
    );
  }, 90_000);
  afterAll(async () => {
    for (const c of [watcher, worker]) {
      if (c && c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
      await c?.exited;
    }
    await pool?.end();
    await env?.cleanup();
    await redis?.stop();
  });

  const ledger = (name: string) => readLedger(pool, ['id', 'status', 'rows_loaded'], { path: path.join(env.dirs.watch, name) });
  const readingsOf = async (fileId: number) =>
    (await pool.query(`SELECT count(*)::int AS n FROM reading WHERE file_id = $1`, [fileId])).rows[0].n as number;
  const isDone = async (name: string) => (await ledger(name)).some((r) => r.status === 'done');

  /** Files generated ahead (each day of its own, so no two share a reading), by name prefix. */
  const generated = new Map<string, string[]>();
  const SETS: Array<[string, { turbines: number; days: number; start: string; files?: number }]> = [
    ['idle', { turbines: 3, days: 2, start: '2021-01-01' }],
    ['aof-big', { turbines: 60, days: 360, start: '2019-01-01', files: 1 }],
    ['aof-queued', { turbines: 2, days: 3, start: '2021-05-01' }],
    ['aof-after', { turbines: 2, days: 2, start: '2021-06-01' }],
    ['empty-big', { turbines: 60, days: 360, start: '2020-01-01', files: 1 }],
    ['empty-queued', { turbines: 2, days: 3, start: '2021-10-01' }],
  ];
  async function generate(): Promise<void> {
    for (const [prefix, options] of SETS) {
      const data = await writeSampleData(path.join(env.root, 'gen', prefix), {
        ...options,
        by: 'day',
        files: options.files ?? options.days,
        seed: prefix,
      });
      generated.set(prefix, data.files);
    }
  }

  /** Moves a generated set into the inbox, each file renamed `<prefix>-<name>`; returns the new names. */
  async function drop(prefix: string): Promise<string[]> {
    const names: string[] = [];
    for (const file of generated.get(prefix)!) {
      const name = `${prefix}-${path.basename(file)}`;
      await rename(file, path.join(env.dirs.watch, name));
      names.push(name);
    }
    return names;
  }

  /** Every named file: one ledger row, done, all its readings stored under it, the file in the processed folder. */
  async function expectLoadedOnce(names: string[], rowsEach: number): Promise<void> {
    const processed = await readdir(env.dirs.processed);
    for (const name of names) {
      const rows = await ledger(name);
      expect(rows.map((r) => [name, r.status, r.rows_loaded])).toEqual([[name, 'done', rowsEach]]);
      expect(await readingsOf(rows[0]!.id)).toBe(rowsEach);
      expect(processed).toContain(name);
    }
  }

  /**
   * Drops a big file, then three small ones behind it, and returns once the worker (one file at a
   * time) has begun loading the big one: the small ones are then queued jobs in Redis.
   */
  async function bigFileInFlightWithOthersQueued(prefix: string) {
    const [big] = await drop(`${prefix}-big`);
    await waitFor('the big file to be queued', async () => (await ledger(big!)).length === 1, 30_000, 20);
    const queued = await drop(`${prefix}-queued`);
    await waitFor(
      'the big file to be loading and the small ones queued',
      async () => {
        const small = await Promise.all(queued.map(async (n) => (await ledger(n)).length === 1));
        return small.every(Boolean) && (await ledger(big!))[0]?.status === 'processing';
      },
      60_000,
      10,
    );
    return { big: big!, queued };
  }

  it('idle: after a SIGKILL and restart, files dropped afterwards are processed', async () => {
    await redis.kill();
    await sleep(1_000);
    await redis.start();
    const names = await drop('idle');
    await waitFor(
      'the files dropped after the restart to be done',
      async () => (await Promise.all(names.map(isDone))).every(Boolean),
      60_000,
    );
    await expectLoadedOnce(names, 3 * 24);
  }, 90_000);

  it('mid-job with the append-only file: the file in flight and the queued ones are each loaded once', async () => {
    const { big, queued } = await bigFileInFlightWithOthersQueued('aof');
    await redis.kill();
    expect((await ledger(big)).map((r) => r.status)).toEqual(['processing']); // killed in flight
    await sleep(1_500);
    await redis.start();
    const after = await drop('aof-after');

    const all = [big, ...queued, ...after];
    await waitFor('every file to be done', async () => (await Promise.all(all.map(isDone))).every(Boolean), 90_000);
    await waitForScans(watcher, 2); // two more reconciliation scans: nothing is queued again
    await expectLoadedOnce([big], BIG_ROWS);
    await expectLoadedOnce([...queued, ...after], 2 * 24);
    expect(await readdir(env.dirs.watch)).toEqual([]);
  }, 150_000);

  it('mid-job and back empty: the reconciliation scan re-queues every file still in the inbox', async () => {
    const { big, queued } = await bigFileInFlightWithOthersQueued('empty');
    await redis.kill();
    expect((await ledger(big)).map((r) => r.status)).toEqual(['processing']);
    await sleep(1_500);
    await redis.start({ empty: true }); // every queued job is gone; the ledger still says `queued`

    const all = [big, ...queued];
    await waitFor('every file to be done', async () => (await Promise.all(all.map(isDone))).every(Boolean), 90_000);
    await waitForScans(watcher, 2);
    await expectLoadedOnce([big], BIG_ROWS);
    await expectLoadedOnce(queued, 2 * 24);
    expect(await readdir(env.dirs.watch)).toEqual([]);
    // Both processes rode through both restarts.
    expect([watcher.process.exitCode, worker.process.exitCode]).toEqual([null, null]);
  }, 150_000);
});
