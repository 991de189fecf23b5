import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createPool } from '@windmill/core/db/pool';
import { createApiWorld, LogCapture, type ApiWorld } from './api-harness.js';

let world: ApiWorld;

beforeAll(async () => {
  world = await createApiWorld('health');
});
afterAll(async () => {
  await world?.close();
});

describe('GET /health', () => {
  it('is 200 with Postgres and Redis up and reports queue depths per state', async () => {
    await world.queues.ingest.add('ingest-file', { fileId: 1, path: '/x.csv' });
    await world.queues.ingest.add('ingest-file', { fileId: 2, path: '/y.csv' }, { delay: 60_000 });
    const app = await world.build();
    const res = await app.inject({ url: '/health' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      status: 'ok',
      postgres: { status: 'up', error: null },
      redis: { status: 'up', error: null },
      queues: {
        ingest: { waiting: 1, active: 0, delayed: 1, failed: 0 },
        stats: { waiting: 0, active: 0, delayed: 0, failed: 0 },
      },
    });
    expect(body.postgres.latencyMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(body.checkedAt)).not.toBeNaN();
  });

  it('is 503 fast when Postgres is unreachable, without leaking the address or the password', async () => {
    const deadPool = createPool('postgresql://postgres:hunter2-pw@127.0.0.1:1/nothing');
    try {
      const logs = new LogCapture();
      const app = await world.build({ pool: deadPool, logs, dependencyTimeoutMs: 1000 });
      const started = Date.now();
      const res = await app.inject({ url: '/health' });
      expect(Date.now() - started).toBeLessThan(3000);
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({
        status: 'degraded',
        postgres: { status: 'down', latencyMs: null, error: 'unreachable' },
        redis: { status: 'up' },
      });
      expect(res.body).not.toContain('127.0.0.1');
      expect(logs.messages()).toContain('health: postgres is down');
      expect(JSON.stringify(logs.lines) + res.body).not.toContain('hunter2-pw');
    } finally {
      await deadPool.end();
    }
  });

  it('is 503 within the timeout when Redis is unreachable', async () => {
    const deadRedis = new Redis({ host: '127.0.0.1', port: 1, maxRetriesPerRequest: 1, retryStrategy: () => 200 });
    deadRedis.on('error', () => undefined);
    const queues = {
      ingest: new Queue('ingest', { connection: deadRedis, prefix: world.prefix }),
      stats: new Queue('stats', { connection: deadRedis, prefix: world.prefix }),
    };
    for (const q of Object.values(queues)) q.on('error', () => undefined);
    try {
      const app = await world.build({ queues, dependencyTimeoutMs: 500 });
      const started = Date.now();
      const res = await app.inject({ url: '/health' });
      expect(Date.now() - started).toBeLessThan(3000);
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({
        status: 'degraded',
        postgres: { status: 'up' },
        redis: { status: 'down', latencyMs: null },
        queues: null,
      });
      // /metrics still answers: the queue gauges are just left out of that scrape.
      const metrics = await app.inject({ url: '/metrics' });
      expect(metrics.statusCode).toBe(200);
      expect(metrics.body).toContain('windmill_ingested_files');
      expect(metrics.body).not.toMatch(/^windmill_queue_jobs\{/m);
      await app.close();
    } finally {
      for (const q of Object.values(queues)) await q.close();
      deadRedis.disconnect();
    }
  });

  it('reports Redis as disabled, and stays 200, in a process without queues', async () => {
    const app = await world.build({ queues: null });
    const res = await app.inject({ url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', redis: { status: 'disabled' }, queues: null });
  });
});
