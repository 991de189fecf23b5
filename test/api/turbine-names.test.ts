import type { FastifyInstance } from 'fastify';
import type { FleetReading } from '@windmill/core/domain/fleet-performance';
import { computeStats } from '@windmill/core/stats/compute-stats';
import { apiClient } from '../helpers/api-client.js';
import { createApiWorld, LogCapture, type ApiWorld } from './api-harness.js';
import { loadReadings } from '../power-curve/power-curve-db.js';

/**
 * Turbines named as real exports name them (`Kelmarsh 1`, `R80711`) beside numbered ones, through
 * every route that takes or returns a turbine. The named turbines have the negative ids the loader
 * gives them; the stats were computed by the real stats job.
 */

let world: ApiWorld;
let app: FastifyInstance;
const logs = new LogCapture();

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2022, 2, 1);
const KELMARSH = { id: -1, name: 'Kelmarsh 1' };
const R80711 = { id: -2, name: 'R80711' };
/** A name with the characters a URL must escape. */
const ODD = { id: -3, name: 'WTG 3/B ?#%é' };
const NAMES = new Map([KELMARSH, R80711, ODD].map((t) => [t.id, t.name]));
const curvePower = (v: number) => Math.min(4, Math.max(0, (v - 3) * 0.5));

/** 5 turbines x 3 days of hourly readings; on day 3 Kelmarsh 1 runs at 40 % and has one spike. */
const READINGS: FleetReading[] = [];
for (let day = 0; day < 3; day += 1) {
  for (let hour = 0; hour < 24; hour += 1) {
    for (const turbine of [1, 2, KELMARSH.id, R80711.id, ODD.id]) {
      const windSpeed = 4 + (hour % 12) / 2;
      const factor = turbine === KELMARSH.id && day === 2 ? 0.4 : 1;
      const spike = turbine === KELMARSH.id && day === 2 && hour === 12 ? 3 : 0;
      const power = Math.round((curvePower(windSpeed) * factor + spike + ((hour + turbine + 5) % 3) * 0.05) * 100) / 100;
      READINGS.push({
        turbineId: turbine,
        ts: T0 + day * DAY + hour * HOUR,
        windSpeed,
        power,
        windSpeedImputed: false,
        powerImputed: false,
      });
    }
  }
}

beforeAll(async () => {
  world = await createApiWorld('turbine_names');
  await loadReadings(world.pool, READINGS, NAMES);
  await computeStats(world.pool, { windowSeconds: 86_400, readingIntervalSeconds: 3600, sigma: 2, trigger: 'cli' });
  app = await world.build({ logs });
});
afterAll(async () => {
  await world?.close();
});

const { get } = apiClient(() => app);
const path = (name: string) => `/turbines/${encodeURIComponent(name)}`;

describe('turbine names in the API', () => {
  it('GET /turbines lists each turbine with its name: numbered ones by id, then named ones as first loaded', async () => {
    const { status, body } = await get('/turbines');
    expect(status).toBe(200);
    expect(body.items.map((t: { id: number; name: string; readingCount: number }) => [t.id, t.name, t.readingCount])).toEqual([
      [1, '1', 72],
      [2, '2', 72],
      [-1, 'Kelmarsh 1', 72],
      [-2, 'R80711', 72],
      [-3, ODD.name, 72],
    ]);
  });

  it('GET /turbines/:name/stats takes the URL-encoded name and names the turbine on every row', async () => {
    const { status, body } = await get('/turbines/Kelmarsh%201/stats');
    expect(status).toBe(200);
    expect(body.items).toHaveLength(3);
    for (const item of body.items) expect(item).toMatchObject({ turbineId: -1, turbineName: 'Kelmarsh 1', count: 24, expectedCount: 24 });
    const stored = await world.pool.query<{ mean: number }>(
      'SELECT mean FROM window_stat WHERE turbine_id = -1 AND window_seconds = 86400 ORDER BY window_start',
    );
    expect(body.items.map((i: { mean: number }) => i.mean)).toEqual(stored.rows.map((r) => r.mean));
    // The name escaped another way, and a name with a slash, a question mark, a hash and a percent sign.
    expect((await get('/turbines/Kelmarsh%201/stats')).body).toEqual((await get(`${path('Kelmarsh 1')}/stats`)).body);
    const odd = await get(`${path(ODD.name)}/stats?limit=1`);
    expect(odd.status).toBe(200);
    expect(odd.body.items[0]).toMatchObject({ turbineId: ODD.id, turbineName: ODD.name });
  });

  it('GET /turbines/:name/summary and /readings take the name', async () => {
    const summary = await get('/turbines/Kelmarsh%201/summary?from=2022-03-03');
    expect(summary.status).toBe(200);
    const day3 = READINGS.filter((r) => r.turbineId === KELMARSH.id && r.ts >= T0 + 2 * DAY).map((r) => r.power);
    expect(summary.body).toEqual({
      turbineId: -1,
      turbineName: 'Kelmarsh 1',
      from: '2022-03-03T00:00:00.000Z',
      to: null,
      count: 24,
      min: Math.min(...day3),
      max: Math.max(...day3),
      mean: expect.closeTo(day3.reduce((a, b) => a + b, 0) / 24, 9),
    });
    const readings = await get(`${path('R80711')}/readings?limit=2`);
    expect(readings.status).toBe(200);
    expect(readings.body.items.map((r: { ts: string }) => r.ts)).toEqual(['2022-03-01T00:00:00.000Z', '2022-03-01T01:00:00.000Z']);
  });

  it('GET /stats filters by name and names every row', async () => {
    const all = await get('/stats?window_start=2022-03-01');
    // Ordered by window, then turbine id: the named turbines' negative ids first.
    expect(all.body.items.map((i: { turbineId: number; turbineName: string }) => [i.turbineId, i.turbineName])).toEqual([
      [-3, ODD.name],
      [-2, 'R80711'],
      [-1, 'Kelmarsh 1'],
      [1, '1'],
      [2, '2'],
    ]);
    const one = await get('/stats?turbine=R80711');
    expect(one.body.items.map((i: { turbineName: string }) => i.turbineName)).toEqual(['R80711', 'R80711', 'R80711']);
    const plus = await get('/stats?turbine=Kelmarsh+1&limit=1');
    expect(plus.body.items[0]).toMatchObject({ turbineId: -1, turbineName: 'Kelmarsh 1' });
  });

  it('GET /anomalies?turbine= takes the name and names the turbine of each anomaly', async () => {
    const { status, body } = await get('/anomalies?turbine=Kelmarsh%201');
    expect(status).toBe(200);
    const stored = await world.pool.query<{ id: number; kind: string }>(
      'SELECT id, kind::text FROM anomaly WHERE turbine_id = -1 AND window_seconds = 86400 ORDER BY window_start, id',
    );
    // The spike and the derated day: something to name.
    expect(stored.rows.map((r) => r.kind)).toEqual(expect.arrayContaining(['reading', 'underperformance']));
    expect(body.items.map((a: { id: number; kind: string }) => [a.id, a.kind])).toEqual(stored.rows.map((r) => [r.id, r.kind]));
    for (const a of body.items) expect(a).toMatchObject({ turbineId: -1, turbineName: 'Kelmarsh 1' });
    const everyone = await get('/anomalies');
    for (const a of everyone.body.items) expect(a.turbineName).toBe(a.turbineId > 0 ? String(a.turbineId) : NAMES.get(a.turbineId));
  });

  it("GET /power-curve?turbine= puts the named turbine's own curve beside the fleet's", async () => {
    const { status, body } = await get('/power-curve?from=2022-03-03&to=2022-03-04&turbine=Kelmarsh%201');
    expect(status).toBe(200);
    expect(body.turbine).toMatchObject({ turbineId: -1, turbineName: 'Kelmarsh 1', readings: 24 });
    const fleetMean = new Map(body.fleet.bins.map((b: { centre: number; mean: number }) => [b.centre, b.mean]));
    // At 40 % its bins sit below the fleet's (the 12:00 spike aside).
    const below = body.turbine.bins.filter((b: { centre: number; mean: number }) => b.mean < (fleetMean.get(b.centre) as number));
    expect(below.length).toBeGreaterThan(body.turbine.bins.length / 2);
  });

  it('404s for an unknown name everywhere a turbine is taken, in the usual error shape', async () => {
    const notFound = { status: 404, body: { error: { code: 'not_found', message: 'turbine Kelmarsh 2 not found' } } };
    for (const url of [
      '/turbines/Kelmarsh%202/stats',
      '/turbines/Kelmarsh%202/summary',
      '/turbines/Kelmarsh%202/readings',
      '/stats?turbine=Kelmarsh%202',
      '/anomalies?turbine=Kelmarsh%202',
      '/power-curve?from=2022-03-01&to=2022-03-02&turbine=Kelmarsh%202',
    ]) {
      expect({ url, ...(await get(url)) }).toEqual({ url, ...notFound });
    }
    // Names are exact: another case or surrounding spaces name no turbine.
    expect((await get('/turbines/kelmarsh%201/stats')).status).toBe(404);
    expect((await get('/turbines/%20Kelmarsh%201/stats')).status).toBe(404);
  });

  it('400s for a name longer than 64 characters, in the path or the query', async () => {
    const long = encodeURIComponent('K'.repeat(65));
    for (const url of [`/turbines/${long}/stats`, `/turbines/${long}/summary`, `/anomalies?turbine=${long}`, `/stats?turbine=${long}`]) {
      const { status, body } = await get(url);
      expect({ url, status, code: body.error.code }).toEqual({ url, status: 400, code: 'invalid_parameter' });
      expect(body.error.message).toContain('a turbine name has at most 64 characters');
    }
    // 64 characters, each two UTF-16 units, is a name: just not a known one.
    expect((await get(`/turbines/${encodeURIComponent('😀'.repeat(64))}/summary`)).status).toBe(404);
  });

  it('keeps the numeric URLs and fields as they were', async () => {
    const stats = await get('/turbines/1/stats?limit=1');
    expect(stats.body.items[0]).toMatchObject({ turbineId: 1, turbineName: '1', windowStart: '2022-03-01T00:00:00.000Z', count: 24 });
    expect((await get('/turbines/2/summary')).body).toMatchObject({ turbineId: 2, turbineName: '2', count: 72 });
    expect((await get('/anomalies?turbine=2')).status).toBe(200);
    expect((await get('/power-curve?from=2022-03-01&to=2022-03-02&turbine=1')).body.turbine).toMatchObject({
      turbineId: 1,
      turbineName: '1',
    });
  });

  it('names the turbine in the request log line', async () => {
    const before = logs.lines.length;
    await get('/turbines/Kelmarsh%201/summary');
    await get('/turbines/Kelmarsh%202/summary');
    expect(logs.lines.slice(before)).toEqual([
      expect.objectContaining({ msg: 'request completed', turbineId: -1, turbineName: 'Kelmarsh 1', statusCode: 200 }),
      expect.not.objectContaining({ turbineId: expect.anything() }),
    ]);
  });

  it('documents the name in the OpenAPI document', async () => {
    const doc = (await get('/docs/json')).body;
    const param = doc.paths['/turbines/{id}/stats'].get.parameters.find((p: { in: string }) => p.in === 'path');
    expect(param).toMatchObject({ name: 'id', required: true, schema: { type: 'string' } });
    expect(param.description).toContain('name');
    const turbine = doc.paths['/turbines'].get.responses['200'].content['application/json'].schema.properties.items.items;
    expect(turbine.properties).toHaveProperty('name');
    expect(turbine.required).toEqual(expect.arrayContaining(['id', 'name']));
    const anomaly = doc.paths['/anomalies'].get.responses['200'].content['application/json'].schema.properties.items.items;
    expect(anomaly.required).toEqual(expect.arrayContaining(['turbineId', 'turbineName']));
    const anomalyTurbine = doc.paths['/anomalies'].get.parameters.find((p: { name: string }) => p.name === 'turbine');
    expect(anomalyTurbine.schema.type).toBe('string');
  });
});
