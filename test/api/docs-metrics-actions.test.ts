import type { FastifyInstance } from 'fastify';
import { observeJobDuration } from '@windmill/core/platform/metrics';
import { createApiWorld, LogCapture, WRITE_AUTH, type ApiWorld } from './api-harness.js';
import { seed } from './seed.js';

let world: ApiWorld;
let app: FastifyInstance;
const logs = new LogCapture();

beforeAll(async () => {
  world = await createApiWorld('docs');
  await seed(world.pool);
  app = await world.build({ logs });
});
afterAll(async () => {
  await world?.close();
});

describe('OpenAPI', () => {
  it('/docs/json lists every endpoint with its query parameters, from the zod schemas', async () => {
    const res = await app.inject({ url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/anomalies',
        '/files',
        '/files/{id}',
        '/files/{id}/rejections',
        '/health',
        '/ingest',
        '/metrics',
        '/power-curve',
        '/stats',
        '/stats/run',
        '/turbines',
        '/turbines/{id}/anomalies',
        '/turbines/{id}/readings',
        '/turbines/{id}/stats',
        '/turbines/{id}/summary',
        '/windows',
      ].sort(),
    );
    const params = doc.paths['/anomalies'].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(['kind', 'turbine', 'from', 'to', 'limit', 'cursor']);
    const limit = doc.paths['/anomalies'].get.parameters.find((p: { name: string }) => p.name === 'limit');
    expect(limit.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 1000, default: 100 });
    expect(doc.paths['/anomalies'].get.responses['503']).toBeDefined();
    expect(doc.paths['/turbines/{id}/summary'].get.responses['200'].content['application/json'].schema.properties).toHaveProperty('mean');
    const readings = doc.paths['/turbines/{id}/readings'].get;
    expect(readings.parameters.map((p: { name: string }) => p.name)).toEqual(['from', 'to', 'limit', 'cursor', 'id']);
    expect(readings.parameters.find((p: { name: string }) => p.name === 'limit').schema).toMatchObject({ maximum: 10000, default: 1000 });
    expect(readings.responses['200'].content['application/json'].schema.properties.items.items.properties).toHaveProperty('powerImputed');
    expect(doc.paths['/windows'].get.responses['503']).toBeDefined();
  });

  it('/docs serves the Swagger UI', async () => {
    const res = await app.inject({ url: '/docs' });
    expect([200, 302]).toContain(res.statusCode);
    const page = res.statusCode === 302 ? await app.inject({ url: res.headers.location as string }) : res;
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('swagger');
  });
});

describe('actions', () => {
  it('POST /ingest asks for a rescan and answers 202 with its result', async () => {
    const before = world.rescans;
    const res = await app.inject({ method: 'POST', url: '/ingest', headers: WRITE_AUTH });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ queued: 2 });
    expect(world.rescans).toBe(before + 1);
  });

  it('POST /stats/run queues a run and answers 202 with the job id', async () => {
    const res = await app.inject({ method: 'POST', url: '/stats/run', headers: WRITE_AUTH });
    expect(res.statusCode).toBe(202);
    const { jobId } = res.json();
    const job = await world.queues.stats.getJob(jobId);
    expect(job?.data).toEqual({ trigger: 'api' });
  });

  it('GET on an action is a 404 in the error shape; unknown query parameters are a 400', async () => {
    expect((await app.inject({ method: 'GET', url: '/ingest' })).json()).toEqual({
      error: { code: 'not_found', message: 'no route GET /ingest' },
    });
    expect((await app.inject({ method: 'POST', url: '/stats/run?now=1', headers: WRITE_AUTH })).statusCode).toBe(400);
  });

  it('a failing dependency is a generic 500: no message, no stack; the log has the details', async () => {
    const failing = await world.build({
      logs,
      requestRescan: async () => {
        throw new Error('watcher exploded at /secret/path');
      },
    });
    const res = await failing.inject({ method: 'POST', url: '/ingest', headers: WRITE_AUTH });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'internal_error', message: 'internal server error' } });
    expect(res.body).not.toContain('secret');
    const logged = logs.lines.find((l) => l.msg === 'request failed');
    expect(JSON.stringify(logged)).toContain('watcher exploded');
  });
});

describe('errors and logs', () => {
  it('unknown routes are 404 in the same shape', async () => {
    const res = await app.inject({ url: '/turbine' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: 'no route GET /turbine' } });
  });

  it('a malformed JSON body is a 400 in the error shape', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/ingest',
      headers: { ...WRITE_AUTH, 'content-type': 'application/json' },
      payload: '{',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('bad_request');
  });

  it('Bull Board is not mounted without a password, and the log says why', async () => {
    const res = await app.inject({ url: '/admin/queues' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
    const warning = logs.lines.find((l) => String(l.msg).startsWith('Bull Board not mounted'));
    expect(warning).toMatchObject({ level: 40, msg: expect.stringContaining('BOARD_PASSWORD is empty') });
  });

  it('logs one line per request through the given pino logger', async () => {
    const before = logs.lines.length;
    await app.inject({ url: '/turbines/1/summary?from=2022-03-01' });
    const lines = logs.lines.slice(before);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      app: 'api',
      level: 30,
      msg: 'request completed',
      method: 'GET',
      url: '/turbines/1/summary?from=2022-03-01',
      route: '/turbines/:id/summary',
      turbineId: 1,
      turbineName: '1',
      statusCode: 200,
      responseTimeMs: expect.any(Number),
    });
  });
});

describe('GET /metrics', () => {
  it('exposes ledger gauges, queue depths, HTTP durations and job durations in Prometheus text', async () => {
    observeJobDuration('ingest', 'completed', 0.42);
    await world.queues.ingest.add('ingest-file', { fileId: 9, path: '/z.csv' });
    await app.inject({ url: '/turbines' });
    const res = await app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const text = res.body;
    expect(text).toContain('windmill_ingested_files{status="done"} 2');
    expect(text).toContain('windmill_ingested_files{status="failed"} 1');
    expect(text).toContain('windmill_ingested_files{status="queued"} 0');
    expect(text).toContain('windmill_ingested_rows{outcome="total"} 8');
    expect(text).toContain('windmill_ingested_rows{outcome="loaded"} 5');
    expect(text).toContain('windmill_ingested_rows{outcome="duplicate"} 1');
    expect(text).toContain('windmill_ingested_rows{outcome="rejected"} 2');
    expect(text).toContain('windmill_ingested_rows{outcome="imputed"} 1');
    expect(text).toContain('windmill_queue_jobs{queue="ingest",state="waiting"} 1');
    expect(text).toMatch(/windmill_queue_jobs\{queue="stats",state="waiting"\} \d/);
    expect(text).toMatch(/windmill_http_request_duration_seconds_count\{method="GET",route="\/turbines",status_code="200"\} [1-9]/);
    expect(text).toMatch(/windmill_job_duration_seconds_count\{queue="ingest",outcome="completed"\} [1-9]/);
    expect(text).toContain('windmill_process_cpu_seconds_total');
  });

  it('survives building the app many times in one process', async () => {
    const again = await world.build();
    expect((await again.inject({ url: '/metrics' })).statusCode).toBe(200);
  });
});
