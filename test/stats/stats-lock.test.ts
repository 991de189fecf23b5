import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { computeStats } from '@windmill/core/stats/compute-stats';
import { isStatsRunning, TRY_TAKE_STATS_LOCK_SQL } from '@windmill/core/stats/stats-lock';
import { useTestDatabase } from '../helpers/database.js';
import { DAILY, hourly, loadFile, resetData } from './stats-fixtures.js';
import { TYPESCRIPT_CHILD_ARGS } from '../helpers/child-process.js';
import { waitFor } from '../helpers/wait.js';

const children: ChildProcess[] = [];

const database = useTestDatabase('stats_lock', { poolSize: 5 });
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
beforeEach(() => resetData(database.pool));

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

describe('the stats lock', () => {
  it('makes a run skip, and reads report a run, while another holder keeps it', async () => {
    await loadFile(database.pool, hourly(1, '2022-03-01T00:00:00Z', [1, 2, 3]));
    expect(await isStatsRunning(database.pool)).toBe(false);
    const holder = await connect();
    try {
      await holder.query('BEGIN');
      expect((await holder.query(TRY_TAKE_STATS_LOCK_SQL)).rows[0]).toEqual({ locked: true });

      expect(await isStatsRunning(database.pool)).toBe(true);
      expect(await computeStats(database.pool, DAILY)).toEqual({ status: 'skipped', reason: 'another run holds the lock' });
      expect(await countRuns()).toBe(0);
      expect(await countPending()).toBe(1);

      await holder.query('COMMIT');
    } finally {
      await holder.end();
    }
    expect(await isStatsRunning(database.pool)).toBe(false);
    expect(await computeStats(database.pool, DAILY)).toMatchObject({ status: 'done', windowsComputed: 1 });
  });

  it('is held for the whole of a run, and a second run meanwhile skips', async () => {
    await loadFile(database.pool, hourly(1, '2022-03-01T00:00:00Z', [1, 2, 3]));
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

  it('dies with a holder process killed while idle in its transaction', async () => {
    const psql = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', database.db.url], { stdio: ['pipe', 'ignore', 'inherit'] });
    children.push(psql);
    psql.stdin.write(`BEGIN;\n${TRY_TAKE_STATS_LOCK_SQL};\n`);
    await waitFor('psql to take the lock', () => isStatsRunning(database.pool), 10_000, 50);

    psql.kill('SIGKILL');

    await waitFor('the lock to be released', async () => !(await isStatsRunning(database.pool)), 5_000, 50);
    expect(await computeStats(database.pool, DAILY)).toMatchObject({ status: 'done' });
  });

  it('dies with a stats worker killed in the middle of a statement', async () => {
    await loadFile(database.pool, hourly(1, '2022-03-01T00:00:00Z', [1, 2, 3]));
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
