import type { FastifyInstance } from 'fastify';
import { apiClient } from '../helpers/api-client.js';
import { createApiWorld, type ApiWorld } from './api-harness.js';
import { seed } from './seed.js';

/**
 * Query parameters are camelCase like every field the API answers with: `windowStart`, with its
 * first name `window_start` kept as an alias. And a turbine's anomalies under its own path,
 * `/turbines/:id/anomalies`, with the filters and paging of `/anomalies`.
 */

let world: ApiWorld;
let app: FastifyInstance;

beforeAll(async () => {
  world = await createApiWorld('query_parameters');
  await seed(world.pool);
  // A named turbine with an anomaly, for the path by name.
  await world.pool.query(`
    INSERT INTO turbine (id, name) VALUES (-1, 'Kelmarsh 1');
    INSERT INTO anomaly (id, kind, turbine_id, window_start, window_seconds, ts, value, mean, stddev, deviation, sigma, run_id)
    VALUES (20, 'turbine', -1, '2022-03-02T00:00:00Z', 86400, NULL, 12, 4, 2, 8, 2, 1);
  `);
  app = await world.build();
});
afterAll(async () => {
  await world?.close();
});

const { get } = apiClient(() => app);

const windowKey = (w: { windowStart: string; turbineId: number }) => `${w.windowStart.slice(0, 10)}/${w.turbineId}`;
const id = (a: { id: number }) => a.id;

describe('windowStart on /stats, and window_start as its alias', () => {
  it('both name the same window', async () => {
    const camel = await get('/stats?windowStart=2022-03-01');
    const snake = await get('/stats?window_start=2022-03-01');
    expect(camel.status).toBe(200);
    expect(camel.body.items.map(windowKey)).toEqual(['2022-03-01/1', '2022-03-01/2']);
    expect(snake).toEqual(camel);
  });

  it('both at once: the same instant is fine, however written; different instants are a 400', async () => {
    const same = await get('/stats?windowStart=2022-03-01&window_start=2022-03-01T00:00:00Z');
    expect(same.status).toBe(200);
    expect(same.body.items.map(windowKey)).toEqual(['2022-03-01/1', '2022-03-01/2']);
    expect(await get('/stats?windowStart=2022-03-01&window_start=2022-03-02')).toEqual({
      status: 400,
      body: { error: { code: 'invalid_parameter', message: 'windowStart: differs from window_start, its alias: give one of them' } },
    });
  });

  it('each is checked like any instant, and not combined with from/to, under the name the client used', async () => {
    expect((await get('/stats?windowStart=yesterday')).body.error.message).toBe(
      'windowStart: expected an ISO 8601 date or date-time in the years 0000 to 9999 (UTC), e.g. 2022-03-01T00:00:00Z',
    );
    expect((await get('/stats?windowStart=2022-03-01&from=2022-03-01')).body.error).toEqual({
      code: 'invalid_parameter',
      message: 'windowStart: give either windowStart or from/to, not both',
    });
    expect((await get('/stats?window_start=2022-03-01&to=2022-03-03')).body.error).toEqual({
      code: 'invalid_parameter',
      message: 'window_start: give either window_start or from/to, not both',
    });
  });

  it('both are in the OpenAPI document, the alias described as one', async () => {
    const doc = (await get('/docs/json')).body;
    const params = doc.paths['/stats'].get.parameters as Array<{ name: string; description?: string }>;
    expect(params.map((p) => p.name)).toEqual(['windowStart', 'window_start', 'from', 'to', 'turbine', 'limit', 'cursor']);
    expect(params.find((p) => p.name === 'window_start')?.description).toMatch(/^Alias of windowStart/);
  });

  it('no other query parameter of any route is snake_case', async () => {
    const doc = (await get('/docs/json')).body;
    const snake: string[] = [];
    for (const [path, methods] of Object.entries(
      doc.paths as Record<string, Record<string, { parameters?: Array<{ name: string; in: string }> }>>,
    )) {
      for (const op of Object.values(methods)) {
        for (const p of op.parameters ?? []) if (p.in === 'query' && p.name.includes('_')) snake.push(`${path} ${p.name}`);
      }
    }
    expect(snake).toEqual(['/stats window_start']);
  });
});

describe('GET /turbines/:id/anomalies', () => {
  it("lists one turbine's anomalies by window then id, as /anomalies?turbine= does", async () => {
    const own = await get('/turbines/1/anomalies');
    expect(own.status).toBe(200);
    expect(own.body.items.map(id)).toEqual([11, 12, 13]);
    expect(own.body).toEqual((await get('/anomalies?turbine=1')).body);
    expect(own.body.items[0]).toMatchObject({ id: 11, kind: 'reading', turbineId: 1, turbineName: '1', ts: '2022-03-01T01:00:00.000Z' });
  });

  it('takes the turbine by name, URL-encoded', async () => {
    const named = await get('/turbines/Kelmarsh%201/anomalies');
    expect(named.status).toBe(200);
    expect(named.body.items).toEqual([expect.objectContaining({ id: 20, turbineId: -1, turbineName: 'Kelmarsh 1', kind: 'turbine' })]);
  });

  it('filters by kind, from and to, and pages with limit and cursor', async () => {
    expect((await get('/turbines/1/anomalies?kind=turbine')).body.items.map(id)).toEqual([13]);
    expect((await get('/turbines/1/anomalies?from=2022-03-02')).body.items.map(id)).toEqual([12, 13]);
    expect((await get('/turbines/1/anomalies?to=2022-03-02')).body.items.map(id)).toEqual([11]);
    const ids: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Array<{ id: number }>; nextCursor: string | null } } = await get(
        `/turbines/1/anomalies?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      ids.push(...page.body.items.map(id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(ids).toEqual([11, 12, 13]);
  });

  it('answers 404 for an unknown turbine and 400 for bad parameters, like the other turbine routes', async () => {
    expect(await get('/turbines/99/anomalies')).toEqual({
      status: 404,
      body: { error: { code: 'not_found', message: 'turbine 99 not found' } },
    });
    expect((await get('/turbines/1/anomalies?kind=spike')).body.error).toEqual({
      code: 'invalid_parameter',
      message: 'kind: expected one of reading, turbine, underperformance',
    });
    expect((await get('/turbines/1/anomalies?turbine=2')).body.error).toEqual({
      code: 'unknown_parameter',
      message: 'unknown query parameter: turbine',
    });
    expect((await get('/turbines/1/anomalies?limit=1001')).body.error.message).toBe('limit: must be at most 1000');
  });

  it('is in the OpenAPI document with the filters of /anomalies', async () => {
    const doc = (await get('/docs/json')).body;
    const op = doc.paths['/turbines/{id}/anomalies'].get;
    expect(op.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual([
      'query:kind',
      'query:from',
      'query:to',
      'query:limit',
      'query:cursor',
      'path:id',
    ]);
    expect(Object.keys(op.responses).sort()).toEqual(['200', '400', '404', '503']);
  });
});
