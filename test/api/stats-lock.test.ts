import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { computeStats, type ComputeStatsOptions } from '@windmill/core/stats/compute-stats';
import { STATS_LOCK_ID, TAKE_STATS_READ_LOCK_SQL, TRY_TAKE_STATS_LOCK_SQL } from '@windmill/core/stats/stats-lock';
import { waitFor } from '../helpers/wait.js';
import { createApiWorld, type ApiWorld } from './api-harness.js';
import { seed } from './seed.js';

let world: ApiWorld;
let app: FastifyInstance;
let holder: pg.Client;

beforeAll(async () => {
  world = await createApiWorld('lock');
  await seed(world.pool);
  app = await world.build();
  holder = new pg.Client({ connectionString: world.db.url });
  await holder.connect();
});
afterAll(async () => {
  await holder?.end();
  await world?.close();
});

const locked = ['/stats', '/turbines/1/stats', '/anomalies', '/anomalies?kind=reading&turbine=1', '/windows'];

describe('while a stats run writes (it holds the read lock)', () => {
  beforeAll(async () => {
    await holder.query('BEGIN');
    const { rows } = await holder.query<{ locked: boolean }>(TRY_TAKE_STATS_LOCK_SQL);
    expect(rows[0]?.locked).toBe(true);
    await holder.query(TAKE_STATS_READ_LOCK_SQL);
  });
  afterAll(async () => {
    await holder.query('ROLLBACK');
  });

  it.each(locked)('GET %s answers 503 with Retry-After and stats_running', async (url) => {
    const res = await app.inject({ url });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json()).toEqual({
      error: { code: 'stats_running', message: 'a statistics computation is running; retry shortly' },
    });
  });

  it('still validates parameters first (400 beats 503)', async () => {
    expect((await app.inject({ url: '/anomalies?limit=5000' })).statusCode).toBe(400);
  });

  it.each(['/turbines', '/turbines/1/summary', '/turbines/1/readings', '/files', '/files/1/rejections', '/health', '/'])(
    'GET %s does not read stats and keeps answering 200',
    async (url) => {
      expect((await app.inject({ url })).statusCode).toBe(200);
    },
  );
});

describe('once the run commits or dies', () => {
  it.each(locked)('GET %s answers 200 again', async (url) => {
    const res = await app.inject({ url });
    expect(res.statusCode).toBe(200);
    expect(res.json().items.length).toBeGreaterThan(0);
  });

  it('a lock held by a connection that dies is released with it', async () => {
    const doomed = new pg.Client({ connectionString: world.db.url });
    await doomed.connect();
    doomed.on('error', () => undefined);
    await doomed.query('BEGIN');
    await doomed.query(TRY_TAKE_STATS_LOCK_SQL);
    await doomed.query(TAKE_STATS_READ_LOCK_SQL);
    expect((await app.inject({ url: '/stats' })).statusCode).toBe(503);
    const { rows } = await doomed.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await world.pool.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    await doomed.end().catch(() => undefined);
    expect((await app.inject({ url: '/stats' })).statusCode).toBe(200);
  });
});

const DAILY: ComputeStatsOptions = { windowSeconds: 86_400, readingIntervalSeconds: 3600, sigma: 2, trigger: 'schedule' };
const statisticsReads = [...locked, '/power-curve?from=2022-03-01&to=2022-03-04'];

/** The statistics reads once each: their statuses. */
async function readAll(): Promise<number[]> {
  return Promise.all(statisticsReads.map(async (url) => (await app.inject({ url })).statusCode));
}

/** A session of the test's database waits on a table lock (the run the test stalled). */
async function aSessionWaitsOnATable(): Promise<boolean> {
  const { rows } = await world.pool.query(
    `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'relation'`,
  );
  return rows.length > 0;
}

async function runLockHeld(): Promise<boolean> {
  const { rows } = await world.pool.query(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = $1`, [STATS_LOCK_ID]);
  return rows.length > 0;
}

describe('a real stats run', () => {
  it('with results to write: readers get 503 while it writes, then its whole result', async () => {
    // The first run is a full one: it replaces the seeded windows with computed ones. Stalled at
    // its first write of window_stat (readers may still read the table), it is half-way.
    const blocker = new pg.Client({ connectionString: world.db.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE window_stat IN EXCLUSIVE MODE');
      const run = computeStats(world.pool, DAILY);
      await waitFor('the run to stall on window_stat', aSessionWaitsOnATable, 10_000, 20);
      expect(await readAll()).toEqual(statisticsReads.map(() => 503));
      await blocker.query('COMMIT');
      expect(await run).toMatchObject({ status: 'done', full: true });
    } finally {
      await blocker.end();
    }
    expect(await readAll()).toEqual(statisticsReads.map(() => 200));
    // Computed from the seeded readings: 2.9 and 3.05 on 2022-03-01, so a mean of exactly 2.975.
    const stats = (await app.inject({ url: '/turbines/1/stats' })).json();
    expect(stats.items.map((w: { windowStart: string; count: number; mean: number }) => [w.windowStart, w.count, w.mean])).toEqual([
      ['2022-03-01T00:00:00.000Z', 2, 2.975],
      ['2022-03-02T00:00:00.000Z', 1, 10],
    ]);
  });

  it('with nothing pending: readers keep getting 200 while it runs', async () => {
    // Stalled inside its transaction, holding the run lock: it has not written, and will not.
    const blocker = new pg.Client({ connectionString: world.db.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE stats_run IN EXCLUSIVE MODE');
      const run = computeStats(world.pool, DAILY);
      await waitFor('the run to stall on stats_run', aSessionWaitsOnATable, 10_000, 20);
      expect(await runLockHeld()).toBe(true);
      expect(await readAll()).toEqual(statisticsReads.map(() => 200));
      await blocker.query('COMMIT');
      expect(await run).toMatchObject({ status: 'done', full: false, windowsComputed: 0 });
    } finally {
      await blocker.end();
    }
  });

  it('with nothing pending, run after run: a polling reader never sees a 503', async () => {
    const statuses = new Map<number, number>();
    let polling = true;
    const poller = (async () => {
      while (polling) for (const status of await readAll()) statuses.set(status, (statuses.get(status) ?? 0) + 1);
    })();
    const runs = [];
    try {
      for (let i = 0; i < 30; i += 1) runs.push(await computeStats(world.pool, DAILY));
    } finally {
      polling = false;
      await poller;
    }
    expect(runs.every((r) => r.status === 'done' && r.windowsComputed === 0)).toBe(true);
    expect([...statuses.keys()]).toEqual([200]);
    expect(statuses.get(200)).toBeGreaterThan(30);
  });
});
