import type { FastifyInstance } from 'fastify';
import { MEASURE_SIGNIFICANT_DIGITS } from '@windmill/api/precision';
import { apiClient } from '../helpers/api-client.js';
import { seedReadings } from '../helpers/readings.js';
import { createApiWorld, type ApiWorld } from './api-harness.js';

/**
 * Measured quantities are written at a stated precision (12 significant digits, precision.ts):
 * the binary noise of double arithmetic stored in the database (71.39999999999999 MWh, a bin mean
 * of 0.037500000000000006 MW) does not reach the answer, and exact values stay exact.
 */

let world: ApiWorld;
let app: FastifyInstance;

beforeAll(async () => {
  world = await createApiWorld('precision');
  await world.pool.query(`
    INSERT INTO turbine (id, name) VALUES (1, '1'), (2, '2'), (3, '3');
    INSERT INTO ingested_file (id, path, status) VALUES (1, '/data/inbox/a.csv', 'done');
    INSERT INTO window_stat (turbine_id, window_start, window_seconds, count, min, max, mean, stddev, imputed_count,
                             expected_count, computed_at, run_id, energy_mwh, actual_energy_mwh, expected_energy_mwh,
                             lost_energy_mwh, performance_ratio, readings_used, performance_judged) VALUES
      (1, '2022-03-01T00:00:00Z', 86400, 24, 1.6, 4.4, 2.975, 0.920892761542227, 0, 24, '2022-03-06T00:00:00Z', 1,
          71.39999999999999, 71.39999999999999, 80.10000000000001, 8.700000000000017, 0.8913857677902621, 24, true),
      (2, '2022-03-01T00:00:00Z', 86400, 24, 1, 3, 2.0000000000000004, NULL, 0, 24, '2022-03-06T00:00:00Z', 1,
          48, 48, 48, 0, 1, 24, true),
      (3, '2022-03-01T00:00:00Z', 86400, 24, 1, 3, 1.1, NULL, 0, 24, '2022-03-06T00:00:00Z', 1, 26.4, 26.4, 26.4, 0, 1, 24, true);
    INSERT INTO anomaly (id, kind, turbine_id, window_start, window_seconds, ts, value, mean, stddev, deviation, sigma, run_id) VALUES
      (1, 'reading', 1, '2022-03-01T00:00:00Z', 86400, '2022-03-01T01:00:00Z', 3.05, 3.0125, 0.0125, 0.037500000000000006, 2, 1);
    -- A bin whose mean is 0.15000000000000002 / 4 = 0.037500000000000006 in double arithmetic.
    INSERT INTO power_curve_day (day, bin, count, sum, sum_sq) VALUES ('2022-03-01', 10, 4, 0.15000000000000002, 0.0075);
  `);
  await seedReadings(
    world.pool,
    [
      { turbineId: 1, ts: '2022-03-01T00:00:00Z', windSpeed: 5.0, power: 2.9 },
      { turbineId: 1, ts: '2022-03-01T01:00:00Z', windSpeed: 5.0, power: 3.05 },
      // 0.1 + 0.2 as double arithmetic gives it, stored as is.
      { turbineId: 1, ts: '2022-03-02T00:00:00Z', windSpeed: 5.0, power: 0.1 + 0.2 },
    ],
    { fileId: 1, pending: false },
  );
  app = await world.build();
});
afterAll(async () => {
  await world?.close();
});

const api = apiClient(() => app);
/** A 200 answer, with its text: numbers are checked as written. */
async function get(url: string) {
  const res = await api.request('GET', url);
  expect(res.status).toBe(200);
  return res;
}

/** Every number written in a JSON text, as written. */
function numbersIn(text: string): string[] {
  return [...text.replace(/"(?:[^"\\]|\\.)*"/g, '""').matchAll(/-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/g)].map((m) => m[0]);
}

function significantDigits(written: string): number {
  const mantissa = written.replace(/^-/, '').split(/[eE]/)[0]!;
  return mantissa.replace('.', '').replace(/^0+/, '').length;
}

describe('numbers in answers', () => {
  it('a stored 71.39999999999999 MWh answers 71.4; a mean of exactly 2.975 still reads 2.975', async () => {
    const { body, text } = await get('/turbines/1/stats');
    expect(body.items[0]).toMatchObject({
      mean: 2.975,
      stddev: 0.920892761542,
      energyMWh: 71.4,
      actualEnergyMWh: 71.4,
      expectedEnergyMWh: 80.1,
      lostEnergyMWh: 8.7,
      performanceRatio: 0.89138576779,
    });
    expect(text).toContain('"energyMWh":71.4,');
    expect(text).not.toContain('71.39999999999999');
  });

  it('a bin mean of 0.037500000000000006 answers 0.0375', async () => {
    const { body, text } = await get('/power-curve?from=2022-03-01&to=2022-03-02');
    expect(body.fleet.bins).toEqual([{ bin: 10, centre: 5, count: 4, mean: 0.0375, stddev: expect.any(Number), usable: false }]);
    expect(text).not.toContain('0.037500000000000006');
  });

  it('rounds every endpoint that carries measurements: readings, summaries, windows, anomalies', async () => {
    const readings = await get('/turbines/1/readings');
    expect(readings.body.items.map((r: { power: number }) => r.power)).toEqual([2.9, 3.05, 0.3]);
    // Computed in exact decimal arithmetic by Postgres: still exact.
    expect((await get('/turbines/1/summary?to=2022-03-02')).body).toMatchObject({ min: 2.9, max: 3.05, mean: 2.975 });
    const windows = await get('/windows');
    // 71.4 + 48 + 26.4 summed in double arithmetic is 145.79999999999998; the fleet's μ (2.975 + 2 + 1.1) / 3.
    expect(windows.body.items[0]).toMatchObject({ energyMWh: 145.8, fleetMean: 2.025 });
    const anomalies = await get('/anomalies');
    expect(anomalies.body.items[0]).toMatchObject({ value: 3.05, mean: 3.0125, stddev: 0.0125, deviation: 0.0375 });
  });

  it(`never writes more than ${MEASURE_SIGNIFICANT_DIGITS} significant digits, and keeps integers whole`, async () => {
    for (const url of [
      '/turbines/1/stats',
      '/stats',
      '/windows',
      '/anomalies',
      '/turbines/1/readings',
      '/power-curve?from=2022-03-01&to=2022-03-03',
    ]) {
      const { text } = await get(url);
      for (const written of numbersIn(text).filter((n) => n.includes('.'))) {
        expect([url, written, significantDigits(written) <= MEASURE_SIGNIFICANT_DIGITS]).toEqual([url, written, true]);
      }
    }
    // Counts and ids are integers, written in full.
    expect((await get('/stats')).body.items.map((w: { count: number; turbineId: number }) => [w.turbineId, w.count])).toEqual([
      [1, 24],
      [2, 24],
      [3, 24],
    ]);
  });

  it('says so in the OpenAPI document', async () => {
    const doc = (await get('/docs/json')).body;
    expect(doc.info.description).toContain(`${MEASURE_SIGNIFICANT_DIGITS} significant digits`);
  });
});
