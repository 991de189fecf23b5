import { computeStats } from '@windmill/core/stats/compute-stats';
import { useTestDatabase } from '../helpers/database.js';
import { seedReadings } from '../helpers/readings.js';
import { resetTables } from '../helpers/reset.js';
import { DAILY, hourly, readAnomalies, readWindowStats, sampleStats } from './stats-fixtures.js';

const database = useTestDatabase('stats_reading_anomalies');
beforeEach(() => resetTables(database.pool));

describe('reading anomalies', () => {
  it('flags a reading strictly outside mean ± k·stddev, not one exactly on the bound', async () => {
    // mean 1, sample stddev sqrt((1 + 1 + 1 + 9) / 3) = 2, so 4 sits exactly on mean + 1.5·stddev.
    const powers = [0, 0, 0, 4];
    const { mean, sd } = sampleStats(powers);
    expect([mean, sd]).toEqual([1, 2]);
    expect(mean + 1.5 * sd).toBe(4);
    await seedReadings(database.pool, hourly(1, '2022-03-01T00:00:00Z', powers));

    const onBound = await computeStats(database.pool, { ...DAILY, sigma: 1.5 });
    expect(onBound).toMatchObject({ status: 'done', anomaliesReading: 0 });
    expect(await readAnomalies(database.pool, 'reading')).toEqual([]);

    const justInside = await computeStats(database.pool, { ...DAILY, sigma: 1.49 });
    expect(justInside).toMatchObject({ status: 'done', full: true, anomaliesReading: 1 });
    const [anomaly, ...rest] = await readAnomalies(database.pool, 'reading');
    expect(rest).toEqual([]);
    expect(anomaly).toEqual({
      kind: 'reading',
      turbineId: 1,
      windowStart: '2022-03-01T00:00:00Z',
      windowSeconds: 86_400,
      ts: '2022-03-01T03:00:00Z',
      value: 4,
      mean: 1,
      stddev: 2,
      deviation: 3,
      sigma: 1.49,
      runId: justInside.status === 'done' ? justInside.runId : -1,
    });
  });

  it('does not flag decimal readings exactly on the bound, where double arithmetic would', async () => {
    // In hundredths: 54, 54, 54, 170 have mean 83 and sample stddev 58, and 83 + 1.5·58 = 170.
    expect(sampleStats([54, 54, 54, 170])).toEqual({ mean: 83, sd: 58 });
    await seedReadings(database.pool, hourly(1, '2022-03-01T00:00:00Z', [0.54, 0.54, 0.54, 1.7]));

    const outcome = await computeStats(database.pool, { ...DAILY, sigma: 1.5 });

    expect(outcome).toMatchObject({ status: 'done', anomaliesReading: 0 });
    expect(await readWindowStats(database.pool)).toMatchObject([{ mean: 0.83, stddev: 0.58 }]);
  });

  it('flags low readings too', async () => {
    // mean 3, stddev 2: 0 sits exactly on mean - 1.5·stddev, so with k = 1.4 it is below the band.
    const powers = [4, 4, 4, 0];
    const { mean, sd } = sampleStats(powers);
    expect([mean, sd]).toEqual([3, 2]);
    await seedReadings(database.pool, hourly(1, '2022-03-01T00:00:00Z', powers));

    await computeStats(database.pool, { ...DAILY, sigma: 1.4 });

    expect(await readAnomalies(database.pool, 'reading')).toMatchObject([{ value: 0, mean, stddev: sd, deviation: -3 }]);
  });

  it('flags nothing in a window with fewer than 3 readings or with stddev 0', async () => {
    // With k = 0.5 both readings of turbine 1 would be outside mean ± k·stddev (5 ± 3.54).
    await seedReadings(database.pool, hourly(1, '2022-03-01T00:00:00Z', [0, 10]));
    await seedReadings(database.pool, hourly(2, '2022-03-01T00:00:00Z', [3, 3, 3, 3]));

    const outcome = await computeStats(database.pool, { ...DAILY, sigma: 0.5 });

    expect(outcome).toMatchObject({ status: 'done', windowsComputed: 2, anomaliesReading: 0 });
    expect(await readAnomalies(database.pool, 'reading')).toEqual([]);
  });

  it('follows a changed sigma with a full run, and an unchanged one with an incremental run', async () => {
    // mean 1, stddev sqrt(5) ≈ 2.236: 5 is 4 above the mean, outside 1.5·stddev (3.35), inside 2·stddev (4.47).
    const powers = [0, 0, 0, 0, 5];
    const { mean, sd } = sampleStats(powers);
    expect(5 - mean).toBeGreaterThan(1.5 * sd);
    expect(5 - mean).toBeLessThan(2 * sd);
    await seedReadings(database.pool, hourly(1, '2022-03-01T00:00:00Z', powers));

    expect(await computeStats(database.pool, { ...DAILY, sigma: 2 })).toMatchObject({ full: true, anomaliesReading: 0 });
    expect(await readAnomalies(database.pool, 'reading')).toEqual([]);

    expect(await computeStats(database.pool, { ...DAILY, sigma: 1.5 })).toMatchObject({
      full: true,
      windowsComputed: 1,
      anomaliesReading: 1,
    });
    expect(await readAnomalies(database.pool, 'reading')).toMatchObject([{ value: 5, sigma: 1.5 }]);

    // Same settings, nothing new: nothing recomputed, the anomaly stays.
    expect(await computeStats(database.pool, { ...DAILY, sigma: 1.5 })).toMatchObject({
      full: false,
      windowsComputed: 0,
      anomaliesReading: 0,
    });
    expect(await readAnomalies(database.pool, 'reading')).toMatchObject([{ value: 5, sigma: 1.5 }]);

    expect(await computeStats(database.pool, { ...DAILY, sigma: 2 })).toMatchObject({ full: true, anomaliesReading: 0 });
    expect(await readAnomalies(database.pool, 'reading')).toEqual([]);
  });
});
