import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { TRY_TAKE_STATS_LOCK_SQL } from '@windmill/core/stats/stats-lock';
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

describe('while a stats run holds the lock', () => {
  beforeAll(async () => {
    await holder.query('BEGIN');
    const { rows } = await holder.query<{ locked: boolean }>(TRY_TAKE_STATS_LOCK_SQL);
    expect(rows[0]?.locked).toBe(true);
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
    expect((await app.inject({ url: '/stats' })).statusCode).toBe(503);
    const { rows } = await doomed.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await world.pool.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    await doomed.end().catch(() => undefined);
    expect((await app.inject({ url: '/stats' })).statusCode).toBe(200);
  });
});
