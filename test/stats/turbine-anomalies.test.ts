import { computeStats } from '@windmill/core/stats/compute-stats';
import { useTestDatabase } from '../helpers/database.js';
import { seedReadings } from '../helpers/readings.js';
import { resetTables } from '../helpers/reset.js';
import { DAILY, type FixtureReading, readAnomalies, sampleStats } from './stats-fixtures.js';

const database = useTestDatabase('stats_turbine_anomalies');
beforeEach(() => resetTables(database.pool));

/** One reading per turbine at `ts`, so each turbine's window mean is its value. */
function fleet(ts: string, powerByTurbine: number[]): FixtureReading[] {
  return powerByTurbine.map((power, i) => ({ turbineId: i + 1, ts, power }));
}

describe('turbine anomalies', () => {
  it('flags a turbine whose window mean is far from the fleet, with deviation = value - fleet mean', async () => {
    const means = [10, 10.5, 9.5, 10, 10.2, 9.8, 2];
    const { mean: mu, sd: sigma } = sampleStats(means);
    // Only turbine 7 is outside mu ± 2·sigma (8.86 ± 6.08).
    expect(means.filter((m) => Math.abs(m - mu) > 2 * sigma)).toEqual([2]);
    await seedReadings(database.pool, fleet('2022-03-01T10:00:00Z', means));

    const outcome = await computeStats(database.pool, DAILY);

    expect(outcome).toMatchObject({ status: 'done', windowsComputed: 7, anomaliesTurbine: 1 });
    const [anomaly, ...rest] = await readAnomalies(database.pool, 'turbine');
    expect(rest).toEqual([]);
    expect(anomaly).toMatchObject({
      kind: 'turbine',
      turbineId: 7,
      windowStart: '2022-03-01T00:00:00Z',
      windowSeconds: 86_400,
      ts: null,
      value: 2,
      sigma: 2,
    });
    expect(anomaly!.mean).toBeCloseTo(mu, 12);
    expect(anomaly!.stddev).toBeCloseTo(sigma, 12);
    expect(anomaly!.deviation).toBeCloseTo(2 - mu, 12);
  });

  it('compares only turbines with data in the same window, and needs at least 3 of them', async () => {
    // With k = 0.5, both 0 and 20 would be outside 10 ± 0.5·14.1 if two turbines were enough.
    await seedReadings(database.pool, fleet('2022-03-02T10:00:00Z', [0, 20]));
    await seedReadings(database.pool, fleet('2022-03-01T10:00:00Z', [5, 5, 5, 5]));

    const outcome = await computeStats(database.pool, { ...DAILY, sigma: 0.5 });

    expect(outcome).toMatchObject({ status: 'done', windowsComputed: 6, anomaliesTurbine: 0 });
    expect(await readAnomalies(database.pool, 'turbine')).toEqual([]);
  });

  it('flags nothing when every turbine has the same mean (sigma 0)', async () => {
    await seedReadings(database.pool, fleet('2022-03-01T10:00:00Z', [7.5, 7.5, 7.5]));

    const outcome = await computeStats(database.pool, { ...DAILY, sigma: 0.1 });

    expect(outcome).toMatchObject({ status: 'done', windowsComputed: 3, anomaliesTurbine: 0 });
  });

  it('keeps a turbine whose mean is exactly on the bound in decimal, where double arithmetic would flag it', async () => {
    // In hundredths: 54, 54, 54, 170 have mean 83 and sample stddev 58, and 83 + 1.5·58 = 170.
    expect(sampleStats([54, 54, 54, 170])).toEqual({ mean: 83, sd: 58 });
    await seedReadings(database.pool, fleet('2022-03-01T10:00:00Z', [0.54, 0.54, 0.54, 1.7]));

    expect(await computeStats(database.pool, { ...DAILY, sigma: 1.5 })).toMatchObject({ status: 'done', anomaliesTurbine: 0 });
    expect(await readAnomalies(database.pool, 'turbine')).toEqual([]);

    // Just inside the bound, the same turbine is flagged, with the exact fleet mean and deviation.
    expect(await computeStats(database.pool, { ...DAILY, sigma: 1.49 })).toMatchObject({ status: 'done', full: true, anomaliesTurbine: 1 });
    expect(await readAnomalies(database.pool, 'turbine')).toMatchObject([
      { turbineId: 4, value: 1.7, mean: 0.83, stddev: 0.58, deviation: 0.87 },
    ]);
  });
});
