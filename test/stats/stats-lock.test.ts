import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { computeStats } from '@windmill/core/stats/compute-stats';
import { isStatsRunning, STATS_READ_LOCK_ID, TAKE_STATS_READ_LOCK_SQL, TRY_TAKE_STATS_LOCK_SQL } from '@windmill/core/stats/stats-lock';
import { useTestDatabase } from '../helpers/database.js';
import { DAILY, hourly } from './stats-fixtures.js';
import { TYPESCRIPT_CHILD_ARGS } from '../helpers/child-process.js';
import { waitFor } from '../helpers/wait.js';
import { seedReadings } from '../helpers/readings.js';
import { resetTables } from '../helpers/reset.js';

const children: ChildProcess[] = [];

const database = useTestDatabase('stats_lock', { poolSize: 5 });
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
beforeEach(() => resetTables(database.pool));

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: database.db.url });
  await client.connect();
  return client;
}

async function countRuns(): Promise<number> {
  const { rows } = await database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM stats_run');
  return rows[0]!.n;
}

async function countPending(): Promise<number> {
  const { rows } = await database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM stats_pending');
  return rows[0]!.n;
}

/** A session waits for the read lock (a run that has results to write while a test holds it). */
async function someoneWaitsForTheReadLock(): Promise<boolean> {
  const { rows } = await database.pool.query(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = $1`, [
    STATS_READ_LOCK_ID,
  ]);
  return rows.length > 0;
}

describe('the stats lock', () => {
  it('makes a run skip while another holder keeps the run lock; reads are held off only by the read lock', async () => {
    await seedReadings(database.pool, hourly(1, '2022-03-01T00:00:00Z', [1, 2, 3]));
    expect(await isStatsRunning(database.pool)).toBe(false);
    const holder = await connect();
    try {
      await holder.query('BEGIN');
      expect((await holder.query(TRY_TAKE_STATS_LOCK_SQL)).rows[0]).toEqual({ locked: true });
      // A run that holds only the run lock has not started writing: readers are served.
      expect(await isStatsRunning(database.pool)).toBe(false);
      expect(await computeStats(database.pool, DAILY)).toEqual({ status: 'skipped', reason: 'another run holds the lock' });
      expect(await countRuns()).toBe(0);
      expect(await countPending()).toBe(1);

      await holder.query(TAKE_STATS_READ_LOCK_SQL);
      expect(await isStatsRunning(database.pool)).toBe(true);
      await holder.query('COMMIT');
    } finally {
      await holder.end();
    }
    expect(await isStatsRunning(database.pool)).toBe(false);
    expect(await computeStats(database.pool, DAILY)).toMatchObject({ status: 'done', windowsComputed: 1 });
  });

  it('is taken by a run that has results to write and held to its commit; a second run meanwhile skips', async () => {
    await seedReadings(database.pool, hourly(1, '2022-03-01T00:00:00Z', [1, 2, 3]));
    // Hold window_stat so the run stops half-way, after it took the lock.
    const blocker = await connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE window_stat IN ACCESS EXCLUSIVE MODE');
      const run = computeStats(database.pool, DAILY);

      await waitFor('the run to take the lock', () => isStatsRunning(database.pool), 10_000, 50);
      expect(await computeStats(database.pool, DAILY)).toEqual({ status: 'skipped', reason: 'another run holds the lock' });

      await blocker.query('COMMIT');
      expect(await run).toMatchObject({ status: 'done', windowsComputed: 1 });
    } finally {
      await blocker.end();
    }
    expect(await isStatsRunning(database.pool)).toBe(false);
  });

  it('is never taken by a run with nothing to write: such runs finish while a holder keeps it, a run with results waits', async () => {
    const holder = await connect();
    try {
      await holder.query('BEGIN');
      await holder.query(TAKE_STATS_READ_LOCK_SQL);
      // The first run ever, on an empty database: a full run with an empty scope.
      expect(await computeStats(database.pool, DAILY)).toMatchObject({ status: 'done', full: true, windowsComputed: 0 });
      await holder.query('COMMIT');

      await seedReadings(database.pool, hourly(1, '2022-03-01T00:00:00Z', [1, 2, 3]));
      expect(await computeStats(database.pool, DAILY)).toMatchObject({ status: 'done', windowsComputed: 1 });

      await holder.query('BEGIN');
      await holder.query(TAKE_STATS_READ_LOCK_SQL);
      // Nothing pending: incremental runs with an empty scope, as the scheduler starts every minute.
      for (let i = 0; i < 3; i += 1) {
        expect(await computeStats(database.pool, DAILY)).toMatchObject({ status: 'done', full: false, windowsComputed: 0 });
      }
      // Something pending: the run waits for the read lock before it writes anything readers see.
      await seedReadings(database.pool, hourly(1, '2022-03-02T00:00:00Z', [4, 5, 6]));
      let settled = false;
      const run = computeStats(database.pool, DAILY).finally(() => {
        settled = true;
      });
      await waitFor('the run to wait for the read lock', someoneWaitsForTheReadLock, 10_000, 20);
      expect(settled).toBe(false);
      const { rows } = await database.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM window_stat WHERE window_start = '2022-03-02T00:00:00Z'`,
      );
      expect(rows[0]!.n).toBe(0);
      await holder.query('COMMIT');
      expect(await run).toMatchObject({ status: 'done', full: false, windowsComputed: 1 });
    } finally {
      await holder.end();
    }
    expect(await countRuns()).toBe(6);
  });

  it('dies with a holder process killed while idle in its transaction', async () => {
    const psql = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', database.db.url], { stdio: ['pipe', 'ignore', 'inherit'] });
    children.push(psql);
    psql.stdin.write(`BEGIN;\n${TRY_TAKE_STATS_LOCK_SQL};\n${TAKE_STATS_READ_LOCK_SQL};\n`);
    await waitFor('psql to take the lock', () => isStatsRunning(database.pool), 10_000, 50);

    psql.kill('SIGKILL');

    await waitFor('the lock to be released', async () => !(await isStatsRunning(database.pool)), 5_000, 50);
    expect(await computeStats(database.pool, DAILY)).toMatchObject({ status: 'done' });
  });

  it('dies with a stats worker killed in the middle of a statement', async () => {
    await seedReadings(database.pool, hourly(1, '2022-03-01T00:00:00Z', [1, 2, 3]));
    const blocker = await connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE window_stat IN ACCESS EXCLUSIVE MODE');
      const script = path.join(import.meta.dirname, 'run-stats.child.ts');
      const worker = spawn(process.execPath, [...TYPESCRIPT_CHILD_ARGS, script, database.db.url], {
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      children.push(worker);
      await waitFor('the worker to take the lock', () => isStatsRunning(database.pool), 20_000, 50);

      worker.kill('SIGKILL');

      // The worker's statement is still waiting for window_stat, yet the server notices the dead
      // client (client_connection_check_interval) and ends the session, releasing the lock.
      const killedAt = Date.now();
      await waitFor('the lock to be released', async () => !(await isStatsRunning(database.pool)), 5_000, 50);
      const releasedAfterMs = Date.now() - killedAt;
      expect(releasedAfterMs).toBeLessThan(5_000);
      await blocker.query('COMMIT');
    } finally {
      await blocker.end();
    }
    expect(await countRuns()).toBe(0);
    expect(await countPending()).toBe(1);
  });
});
