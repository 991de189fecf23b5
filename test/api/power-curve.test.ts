import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { buildPowerCurve } from '@windmill/core/domain/power-curve';
import type { FleetReading } from '@windmill/core/domain/fleet-performance';
import { computeStats } from '@windmill/core/stats/compute-stats';
import { TAKE_STATS_READ_LOCK_SQL } from '@windmill/core/stats/stats-lock';
import { apiClient } from '../helpers/api-client.js';
import { createApiWorld, type ApiWorld } from './api-harness.js';
import { loadReadings } from '../power-curve/power-curve-db.js';

/**
 * GET /power-curve, and the power-curve fields of the statistics endpoints, on a small fleet whose
 * stats were computed by the real stats job: the curves equal the pure core's on the same readings.
 */

let world: ApiWorld;
let app: FastifyInstance;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2022, 2, 1);
const curvePower = (v: number) => Math.min(4, Math.max(0, (v - 3) * 0.5));

/** 3 turbines x 5 days, wind stepping through 4 .. 9.5 m/s; turbine 3 at 60 % on day 4; wind imputed at 05:00. */
const READINGS: FleetReading[] = [];
for (let day = 0; day < 5; day += 1) {
  for (let hour = 0; hour < 24; hour += 1) {
    for (const turbine of [1, 2, 3]) {
      const windSpeed = 4 + (hour % 12) / 2;
      const factor = turbine === 3 && day === 4 ? 0.6 : 1;
      const power = Math.round((curvePower(windSpeed) * factor + ((hour + turbine) % 3) * 0.05) * 100) / 100;
      READINGS.push({
        turbineId: turbine,
        ts: T0 + day * DAY + hour * HOUR,
        windSpeed,
        power,
        windSpeedImputed: hour === 5,
        powerImputed: false,
      });
    }
  }
}
const SETTINGS = { binWidth: 0.5, minBinCount: 5 };
const between = (from: number, to: number, turbine?: number) =>
  READINGS.filter((r) => r.ts >= from && r.ts < to && (turbine === undefined || r.turbineId === turbine));

beforeAll(async () => {
  world = await createApiWorld('power_curve');
  await world.pool.query(`INSERT INTO turbine (id, name) VALUES (4, '4')`); // a turbine without readings
  await loadReadings(world.pool, READINGS);
  await computeStats(world.pool, { windowSeconds: 86_400, readingIntervalSeconds: 3600, sigma: 2, trigger: 'cli' });
  app = await world.build();
});
afterAll(async () => {
  await world?.close();
});

const { get } = apiClient(() => app);

/** The bins as the API shows them, from the pure core. */
function expectedBins(readings: FleetReading[]) {
  return buildPowerCurve(readings, SETTINGS).bins.map((b) => ({
    ...b,
    mean: expect.closeTo(b.mean, 9),
    stddev: b.stddev === null ? null : expect.closeTo(b.stddev, 6),
  }));
}

describe('GET /power-curve', () => {
  it("returns the fleet's bins over whole days, from the stats job's daily tallies", async () => {
    const { status, body } = await get('/power-curve?from=2022-03-02&to=2022-03-05');
    expect(status).toBe(200);
    const readings = between(T0 + DAY, T0 + 4 * DAY);
    expect(body).toEqual({
      from: '2022-03-02T00:00:00.000Z',
      to: '2022-03-05T00:00:00.000Z',
      binWidth: 0.5,
      minBinCount: 5,
      fleet: { readings: readings.filter((r) => !r.windSpeedImputed).length, ratedPower: expect.any(Number), bins: expectedBins(readings) },
      turbine: null,
    });
    expect(body.fleet.bins.map((b: { centre: number }) => b.centre)).toEqual([4, 4.5, 5, 5.5, 6, 6.5, 7, 7.5, 8, 8.5, 9, 9.5]);
    expect(body.fleet.bins.every((b: { usable: boolean }) => b.usable)).toBe(true);
  });

  it('adds the readings of partial days at either end, for any instants', async () => {
    const from = T0 + DAY + 6 * HOUR;
    const to = T0 + 3 * DAY + 18 * HOUR;
    const { body } = await get(`/power-curve?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`);
    expect(body.fleet.bins).toEqual(expectedBins(between(from, to)));
    // Within one day.
    const short = await get('/power-curve?from=2022-03-02T03:00:00Z&to=2022-03-02T09:00:00%2B02:00');
    expect(short.body.fleet.bins).toEqual(expectedBins(between(T0 + DAY + 3 * HOUR, T0 + DAY + 7 * HOUR)));
  });

  it("puts a turbine's own curve beside the fleet's", async () => {
    const { body } = await get('/power-curve?from=2022-03-05&to=2022-03-06&turbine=3');
    expect(body.turbine).toEqual({
      turbineId: 3,
      turbineName: '3',
      // One day of one turbine: 2 readings a bin, none usable at the minimum of 5, so no rated power.
      readings: 23,
      ratedPower: null,
      bins: expectedBins(between(T0 + 4 * DAY, T0 + 5 * DAY, 3)),
    });
    // Turbine 3 ran at 60 % that day: its bins sit below the fleet's.
    const fleetMean = new Map(body.fleet.bins.map((b: { centre: number; mean: number }) => [b.centre, b.mean]));
    for (const bin of body.turbine.bins) expect(bin.mean).toBeLessThan(fleetMean.get(bin.centre) as number);
  });

  it('answers empty curves for a period without readings or a turbine without readings', async () => {
    const { status, body } = await get('/power-curve?from=2023-01-01&to=2023-02-01&turbine=4');
    expect(status).toBe(200);
    expect(body.fleet).toEqual({ readings: 0, ratedPower: null, bins: [] });
    expect(body.turbine).toEqual({ turbineId: 4, turbineName: '4', readings: 0, ratedPower: null, bins: [] });
  });

  it.each([
    ['/power-curve?to=2022-03-02', 'from: '],
    ['/power-curve?from=2022-03-02', 'to: '],
    ['/power-curve?from=2022-03-02&to=2022-03-01', 'from: must be before to'],
    ['/power-curve?from=yesterday&to=2022-03-01', 'from: expected an ISO 8601 date or date-time'],
    [`/power-curve?from=2022-03-01&to=2022-03-02&turbine=${'x'.repeat(65)}`, 'turbine: a turbine name has at most 64 characters'],
  ])('400s for %s, naming the parameter', async (url, message) => {
    const { status, body } = await get(url);
    expect(status).toBe(400);
    expect(body.error.code).toBe('invalid_parameter');
    expect(body.error.message).toContain(message);
  });

  it('400s for an unknown parameter and 404s for an unknown turbine', async () => {
    expect(await get('/power-curve?from=2022-03-01&to=2022-03-02&bins=3')).toEqual({
      status: 400,
      body: { error: { code: 'unknown_parameter', message: 'unknown query parameter: bins' } },
    });
    expect(await get('/power-curve?from=2022-03-01&to=2022-03-02&turbine=99')).toEqual({
      status: 404,
      body: { error: { code: 'not_found', message: 'turbine 99 not found' } },
    });
    expect(await get('/power-curve?from=2022-03-01&to=2022-03-02&turbine=abc')).toEqual({
      status: 404,
      body: { error: { code: 'not_found', message: 'turbine abc not found' } },
    });
  });

  it('answers 503 while a stats run holds the lock, like the other statistics reads', async () => {
    const holder = new pg.Client({ connectionString: world.db.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(TAKE_STATS_READ_LOCK_SQL);
      const res = await app.inject({ url: '/power-curve?from=2022-03-01&to=2022-03-02' });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('stats_running');
    } finally {
      await holder.end();
    }
  });

  it('is in the OpenAPI document with its parameters', async () => {
    const doc = (await get('/docs/json')).body;
    const op = doc.paths['/power-curve'].get;
    expect(op.parameters.map((p: { name: string; required?: boolean }) => [p.name, p.required ?? false])).toEqual([
      ['from', true],
      ['to', true],
      ['turbine', false],
    ]);
    expect(Object.keys(op.responses).sort()).toEqual(['200', '400', '404', '503']);
  });
});

describe('the power-curve fields of the statistics endpoints', () => {
  it('GET /anomalies?kind=underperformance lists the flagged turbine-window with its ratio and lost energy', async () => {
    const { status, body } = await get('/anomalies?kind=underperformance');
    expect(status).toBe(200);
    expect(body.items).toEqual([
      {
        id: expect.any(Number),
        kind: 'underperformance',
        turbineId: 3,
        turbineName: '3',
        windowStart: '2022-03-05T00:00:00.000Z',
        windowSeconds: 86400,
        ts: null,
        value: expect.closeTo(0.62, 1),
        mean: 1,
        stddev: null,
        deviation: expect.closeTo(-0.38, 1),
        sigma: null,
        threshold: 0.1,
        lostEnergyMWh: expect.any(Number),
      },
    ]);
    expect(body.items[0].lostEnergyMWh).toBeGreaterThan(10);
    expect((await get('/anomalies?kind=bogus')).status).toBe(400);
  });

  it('GET /stats and GET /turbines/:id/stats carry energies, ratio, readings used and whether the window was judged', async () => {
    const { body } = await get('/turbines/3/stats?from=2022-03-05');
    const [w] = body.items;
    expect(w).toMatchObject({ readingsUsed: 23, performanceJudged: true });
    expect(w.lostEnergyMWh).toBeCloseTo(w.expectedEnergyMWh - w.actualEnergyMWh, 9);
    expect(w.performanceRatio).toBeCloseTo(w.actualEnergyMWh / w.expectedEnergyMWh, 12);
    expect(w.energyMWh).toBeCloseTo(w.mean * w.count, 9);
    const first = await get('/stats?window_start=2022-03-01');
    expect(
      first.body.items.map((s: { performanceRatio: number | null; readingsUsed: number }) => [s.performanceRatio, s.readingsUsed]),
    ).toEqual([
      [null, 0],
      [null, 0],
      [null, 0],
    ]);
  });

  it('GET /windows sums the energies over the turbines and counts underperformance anomalies', async () => {
    const { body } = await get('/windows?from=2022-03-05');
    const stats = (await get('/stats?window_start=2022-03-05')).body.items;
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({ underperformanceAnomalies: 1 });
    const sum = (key: string) => stats.reduce((a: number, s: Record<string, number>) => a + s[key]!, 0);
    expect(body.items[0].lostEnergyMWh).toBeCloseTo(sum('lostEnergyMWh'), 9);
    expect(body.items[0].energyMWh).toBeCloseTo(sum('energyMWh'), 9);
  });
});
