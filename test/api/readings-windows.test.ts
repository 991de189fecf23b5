import type { FastifyInstance } from 'fastify';
import { roundMeasure } from '@windmill/api/precision';
import { apiClient } from '../helpers/api-client.js';
import { createApiWorld, type ApiWorld } from './api-harness.js';
import { seed } from './seed.js';

/** The two reads added for the dashboard: a turbine's readings for its chart, and the window list. */

let world: ApiWorld;
let app: FastifyInstance;

beforeAll(async () => {
  world = await createApiWorld('readings');
  await seed(world.pool);
  // The run that computed the seeded windows, so /windows can report its k.
  await world.pool.query(
    `INSERT INTO stats_run (id, started_at, finished_at, status, window_seconds, sigma)
     VALUES (1, '2022-03-06T00:00:00Z', '2022-03-06T00:00:01Z', 'done', 86400, 2)`,
  );
  app = await world.build();
});
afterAll(async () => {
  await world?.close();
});

const { get } = apiClient(() => app);

describe('GET /turbines/:id/readings', () => {
  it("returns the turbine's power readings in time order, imputed ones marked", async () => {
    const { status, body } = await get('/turbines/1/readings');
    expect(status).toBe(200);
    expect(body).toEqual({
      items: [
        { ts: '2022-03-01T00:00:00.000Z', power: 2.9, powerImputed: false, windSpeed: 5, windSpeedImputed: false },
        { ts: '2022-03-01T01:00:00.000Z', power: 3.05, powerImputed: true, windSpeed: 5.5, windSpeedImputed: false },
        { ts: '2022-03-02T00:00:00.000Z', power: 10, powerImputed: false, windSpeed: 9, windSpeedImputed: false },
      ],
      nextCursor: null,
    });
  });

  it('filters ts over [from, to): from inclusive, to exclusive, offsets honoured', async () => {
    const day = await get('/turbines/1/readings?from=2022-03-01&to=2022-03-02');
    expect(day.body.items.map((r: { ts: string }) => r.ts)).toEqual(['2022-03-01T00:00:00.000Z', '2022-03-01T01:00:00.000Z']);
    // 02:00+01:00 is 01:00Z: the 01:00Z reading is excluded by the exclusive end.
    const edge = await get('/turbines/1/readings?to=2022-03-01T02:00:00%2B01:00');
    expect(edge.body.items.map((r: { ts: string }) => r.ts)).toEqual(['2022-03-01T00:00:00.000Z']);
    const after = await get('/turbines/1/readings?from=2022-03-01T01:00:00Z');
    expect(after.body.items).toHaveLength(2);
  });

  it('pages by cursor, each reading exactly once', async () => {
    const first = await get('/turbines/1/readings?limit=2');
    expect(first.body.items.map((r: { power: number }) => r.power)).toEqual([2.9, 3.05]);
    expect(typeof first.body.nextCursor).toBe('string');
    const second = await get(`/turbines/1/readings?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toEqual({
      items: [{ ts: '2022-03-02T00:00:00.000Z', power: 10, powerImputed: false, windSpeed: 9, windSpeedImputed: false }],
      nextCursor: null,
    });
  });

  it('caps a page at 10000 readings (a month of hourly data is one page)', async () => {
    const huge = await get('/turbines/1/readings?limit=10001');
    expect(huge).toEqual({ status: 400, body: { error: { code: 'invalid_parameter', message: 'limit: must be at most 10000' } } });
    expect((await get('/turbines/1/readings?limit=10000')).status).toBe(200);
  });

  it('answers an empty list for a turbine without readings and 404 for an unknown one', async () => {
    expect(await get('/turbines/3/readings')).toEqual({ status: 200, body: { items: [], nextCursor: null } });
    expect(await get('/turbines/99/readings')).toEqual({
      status: 404,
      body: { error: { code: 'not_found', message: 'turbine 99 not found' } },
    });
    expect(await get('/turbines/x/readings')).toEqual({
      status: 404,
      body: { error: { code: 'not_found', message: 'turbine x not found' } },
    });
  });

  it.each([
    ['/turbines/1/readings?from=2022-03-02&to=2022-03-01', 'invalid_parameter', 'from: must be before to'],
    ['/turbines/1/readings?from=yesterday', 'invalid_parameter', 'from: expected an ISO 8601 date or date-time'],
    ['/turbines/1/readings?limit=0', 'invalid_parameter', 'limit: must be at least 1'],
    ['/turbines/1/readings?cursor=abc', 'invalid_parameter', 'cursor: not a valid cursor'],
    [`/turbines/${'x'.repeat(65)}/readings`, 'invalid_parameter', 'id: a turbine name has at most 64 characters'],
    ['/turbines/1/readings?turbine=2', 'unknown_parameter', 'unknown query parameter: turbine'],
  ])('400 for %s', async (url, code, message) => {
    const { status, body } = await get(url);
    expect(status).toBe(400);
    expect(body.error.code).toBe(code);
    expect(body.error.message).toContain(message);
  });

  it('rejects a cursor made for another endpoint', async () => {
    const statsCursor = Buffer.from(JSON.stringify([1646092800000, 1])).toString('base64url');
    expect((await get(`/turbines/1/readings?cursor=${statsCursor}`)).status).toBe(400);
  });
});

describe('GET /windows', () => {
  const march1 = {
    windowStart: '2022-03-01T00:00:00.000Z',
    windowSeconds: 86400,
    turbineCount: 2,
    readingCount: 3,
    expectedCount: 48,
    turbineAnomalies: 1,
    readingAnomalies: 1,
    sigma: 2,
    // The fleet rule's band over the two turbine means 2.975 and 1.5; it needs 3 turbines to apply.
    fleetMean: 2.2375,
    // The API writes 12 significant digits (precision.ts).
    fleetStddev: roundMeasure(Math.sqrt(2 * 0.7375 ** 2)),
    fleetRuleApplies: false,
    // Sums of the turbines' power-curve columns (only turbine 1's window has them in the seed).
    underperformanceAnomalies: 0,
    energyMWh: 5.95,
    expectedEnergyMWh: 3.2,
    lostEnergyMWh: 0.3,
  };
  const oneTurbine = {
    turbineCount: 1,
    readingCount: 1,
    expectedCount: 24,
    fleetStddev: null,
    energyMWh: 0,
    expectedEnergyMWh: 0,
    lostEnergyMWh: 0,
  };
  const march2 = { ...march1, ...oneTurbine, windowStart: '2022-03-02T00:00:00.000Z', fleetMean: 10 };
  const march3 = { ...march2, windowStart: '2022-03-03T00:00:00.000Z', turbineAnomalies: 0, readingAnomalies: 0, fleetMean: 2.5 };

  it('lists the windows of the configured size, oldest first, with turbine and anomaly counts', async () => {
    // The seeded 3600 s window and anomaly stay out: only WINDOW_SECONDS = 86400 counts.
    expect(await get('/windows')).toEqual({ status: 200, body: { items: [march1, march2, march3], nextCursor: null } });
  });

  it('filters window_start by from/to and pages by cursor', async () => {
    expect((await get('/windows?from=2022-03-02&to=2022-03-03')).body.items).toEqual([march2]);
    const first = await get('/windows?limit=2');
    expect(first.body.items).toEqual([march1, march2]);
    const second = await get(`/windows?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toEqual({ items: [march3], nextCursor: null });
  });

  it('reports sigma as null when the run that computed a window is gone', async () => {
    const other = await createApiWorld('windows_norun');
    try {
      await seed(other.pool);
      const res = await (await other.build()).inject({ url: '/windows?to=2022-03-02' });
      expect(res.json().items).toEqual([{ ...march1, sigma: null }]);
    } finally {
      await other.close();
    }
  });

  it.each([
    ['/windows?limit=1001', 'limit: must be at most 1000'],
    ['/windows?from=2022-03-03&to=2022-03-01', 'from: must be before to'],
    ['/windows?window_start=2022-03-01', 'unknown query parameter: window_start'],
  ])('400 for %s', async (url, message) => {
    const { status, body } = await get(url);
    expect(status).toBe(400);
    expect(body.error.message).toBe(message);
  });
});
