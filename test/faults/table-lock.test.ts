import pg from 'pg';
import { buildApp } from '@windmill/api/app';
import { createPool } from '@windmill/core/db/pool';
import { apiClient } from '../helpers/api-client.js';
import { memoryLogger } from '../helpers/silent-logger.js';
import { startInProcess, type InProcessPipeline } from '../helpers/in-process.js';
import { createPipelineEnv, type PipelineEnv } from '../helpers/pipeline-env.js';
import { seed } from '../api/seed.js';
import { TEST_CONFIG } from '../api/api-harness.js';

/**
 * Someone holds `LOCK window_stat IN ACCESS EXCLUSIVE MODE` (a migration, a maintenance script, a
 * hostile operator) while the API serves. On main the statistics reads hung for as long as the
 * lock was held, took every one of the API's connections, so `/turbines` hung too, and `/health`
 * called Postgres down. The API here runs as `npm start` composes it: its own pool and Prisma
 * client, opened by openConnections with the API's read limits (API_LOCK_TIMEOUT_MS 1000 ms).
 */

/** "Does not hang": far above the limits (1 s lock, 3 s pool wait), far below the lock's 60 s. */
const ANSWERS_WITHIN_MS = 10_000;

describe('a long ACCESS EXCLUSIVE lock on window_stat while the API serves', () => {
  let env: PipelineEnv;
  let pipeline: InProcessPipeline;
  let holder: pg.Client;
  const { logger, lines } = memoryLogger('api', 'info');

  beforeAll(async () => {
    env = await createPipelineEnv('table_lock');
    const seeding = createPool(env.db.url, 1);
    await seed(seeding);
    await seeding.end();
    pipeline = await startInProcess(env.config, logger, { api: true });
    holder = new pg.Client({ connectionString: env.db.url });
    await holder.connect();
  });
  afterAll(async () => {
    await holder?.end().catch(() => undefined);
    await pipeline?.close();
    await env?.cleanup();
  });

  const api = apiClient(() => pipeline.api!.url);
  /** The answer with its Retry-After and how long it took. */
  const get = async (path: string) => {
    const started = Date.now();
    const { status, body, headers } = await api.request('GET', path);
    return { status, retryAfter: headers['retry-after'] ?? null, body, ms: Date.now() - started };
  };

  it('answers statistics reads 503 with Retry-After in seconds, while /turbines and /health keep answering', async () => {
    expect((await get('/stats')).status).toBe(200);
    expect((await get('/health')).body.postgres).toEqual({ status: 'up', latencyMs: expect.any(Number), error: null, reason: null });

    await holder.query('BEGIN');
    await holder.query('LOCK window_stat IN ACCESS EXCLUSIVE MODE');
    try {
      // Alone, /health tells slow from down and says why.
      const health = await get('/health');
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({
        status: 'degraded',
        postgres: { status: 'slow', error: 'lock_timeout', latencyMs: expect.any(Number), reason: expect.stringContaining('window_stat') },
        redis: { status: 'up' },
      });
      expect(lines().some((l) => l.msg === 'health: postgres is slow')).toBe(true);

      // More statistics reads at once than the API has connections (5), with the other reads among them.
      const statsReads = [
        '/stats',
        '/turbines/1/stats',
        '/windows',
        '/stats?turbine=2',
        '/turbines/2/stats',
        '/windows?limit=1',
        '/stats?limit=1',
      ];
      const burst = await Promise.all([
        ...statsReads.map((path) => get(path).then((r) => ({ path, ...r }))),
        get('/turbines').then((r) => ({ path: '/turbines', ...r })),
        get('/turbines/1/summary').then((r) => ({ path: '/turbines/1/summary', ...r })),
        get('/files').then((r) => ({ path: '/files', ...r })),
        get('/health').then((r) => ({ path: '/health', ...r })),
      ]);
      for (const r of burst) expect({ path: r.path, slow: r.ms > ANSWERS_WITHIN_MS }).toEqual({ path: r.path, slow: false });
      for (const r of burst.filter((b) => statsReads.includes(b.path))) {
        expect({ path: r.path, status: r.status, retryAfter: r.retryAfter, body: r.body }).toEqual({
          path: r.path,
          status: 503,
          retryAfter: '5',
          body: {
            error: { code: 'database_busy', message: 'the database did not answer in time (a table is locked or busy); retry shortly' },
          },
        });
      }
      const others = Object.fromEntries(burst.filter((b) => !statsReads.includes(b.path)).map((b) => [b.path, b]));
      expect(others['/turbines']!.status).toBe(200);
      expect(others['/turbines']!.body.items.map((t: { id: number }) => t.id)).toEqual([1, 2, 3]);
      expect(others['/turbines/1/summary']!.status).toBe(200);
      expect(others['/files']!.status).toBe(200);
      // Under the burst every connection may be busy: still "slow", never "down".
      expect(others['/health']!.status).toBe(200);
      expect(others['/health']!.body.postgres.status).toBe('slow');

      // A statistics read that meets the lock gives its connection back after API_LOCK_TIMEOUT_MS.
      const single = await get('/turbines/1/stats');
      expect(single.status).toBe(503);
      expect(single.ms).toBeLessThan(ANSWERS_WITHIN_MS);
      expect(lines().some((l) => l.msg === 'read gave up: the database is busy or a table is locked' && l.code === '55P03')).toBe(true);
    } finally {
      await holder.query('ROLLBACK');
    }

    // The lock gone, everything is back without a restart.
    const after = await get('/stats');
    expect(after.status).toBe(200);
    expect(after.body.items.length).toBeGreaterThan(0);
    expect((await get('/health')).body).toMatchObject({ status: 'ok', postgres: { status: 'up', reason: null } });
  }, 60_000);

  it('a lock on a table Prisma reads (the ledger) answers GET /files 503 the same way', async () => {
    await holder.query('BEGIN');
    await holder.query('LOCK ingested_file IN ACCESS EXCLUSIVE MODE');
    try {
      const files = await get('/files');
      expect(files.ms).toBeLessThan(ANSWERS_WITHIN_MS);
      expect({ status: files.status, retryAfter: files.retryAfter, code: files.body.error?.code }).toEqual({
        status: 503,
        retryAfter: '5',
        code: 'database_busy',
      });
      expect((await get('/stats')).status).toBe(200);
    } finally {
      await holder.query('ROLLBACK');
    }
    expect((await get('/files')).status).toBe(200);
  });
});

/** The pool wait limit: every connection of the API's pool taken, a read waits API_POOL_WAIT_MS and answers 503. */
describe('the API with every connection busy', () => {
  let env: PipelineEnv;

  beforeAll(async () => {
    env = await createPipelineEnv('pool_wait');
  });
  afterAll(async () => {
    await env?.cleanup();
  });

  it('answers 503 database_busy with Retry-After once the pool wait limit passes', async () => {
    const { logger } = memoryLogger('api', 'info');
    const pool = createPool(env.db.url, 1, undefined, { connectionTimeoutMs: 300 });
    const { createPrisma } = await import('@windmill/core/db/prisma');
    const prisma = createPrisma(env.db.url, 1, { connectionTimeoutMs: 300 });
    const app = await buildApp({
      config: TEST_CONFIG,
      logger,
      prisma,
      pool,
      queues: null,
      requestRescan: async () => ({ queued: 0 }),
      requestStatsRun: async () => ({ jobId: '1' }),
    });
    const taken = await pool.connect();
    try {
      const started = Date.now();
      const res = await app.inject({ url: '/turbines' });
      expect(Date.now() - started).toBeLessThan(ANSWERS_WITHIN_MS);
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.json()).toEqual({
        error: { code: 'database_busy', message: 'the database did not answer in time (a table is locked or busy); retry shortly' },
      });
    } finally {
      taken.release();
    }
    expect((await app.inject({ url: '/turbines' })).statusCode).toBe(200);
    await app.close();
    await prisma.$disconnect();
    await pool.end();
  });
});
