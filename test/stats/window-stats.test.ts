import { computeStats } from '@windmill/core/stats/compute-stats';
import { useTestDatabase } from '../helpers/database.js';
import { seedReadings } from '../helpers/readings.js';
import { resetTables } from '../helpers/reset.js';
import { DAILY, hourly, readWindowStats } from './stats-fixtures.js';

const database = useTestDatabase('stats_window');
beforeEach(() => resetTables(database.pool));

describe('window statistics', () => {
  it('stores count, min, max, mean, sample stddev, imputed and expected counts per turbine-day', async () => {
    const powers = [2, 3.5, 4, 6.5];
    const readings = hourly(1, '2022-03-01T00:00:00Z', powers);
    readings[1]!.powerImputed = true;
    await seedReadings(database.pool, readings);

    const outcome = await computeStats(database.pool, DAILY);

    expect(outcome).toMatchObject({ status: 'done', full: true, windowsComputed: 1 });
    const [stat, ...rest] = await readWindowStats(database.pool);
    expect(rest).toEqual([]);
    // mean 16 / 4 = 4; squared deviations 4 + 0.25 + 0 + 6.25 = 10.5, divided by n - 1 = 3.
    const sample = Math.sqrt(10.5 / 3);
    const population = Math.sqrt(10.5 / 4);
    expect(stat).toMatchObject({
      turbineId: 1,
      windowStart: '2022-03-01T00:00:00Z',
      windowSeconds: 86_400,
      count: 4,
      min: 2,
      max: 6.5,
      mean: 4,
      imputedCount: 1,
      expectedCount: 24,
    });
    expect(stat!.stddev).toBeCloseTo(sample, 12);
    expect(stat!.stddev).not.toBeCloseTo(population, 3);
    if (outcome.status === 'done') expect(stat!.runId).toBe(outcome.runId);
  });

  it('leaves stddev null for a window with a single reading', async () => {
    await seedReadings(database.pool, [{ turbineId: 4, ts: '2022-03-05T12:00:00Z', power: 7.25 }]);

    await computeStats(database.pool, DAILY);

    expect(await readWindowStats(database.pool)).toMatchObject([
      { turbineId: 4, count: 1, min: 7.25, max: 7.25, mean: 7.25, stddev: null },
    ]);
  });

  it('computes the mean of decimal readings exactly', async () => {
    // Summing as double gives 2.9749999999999996; the decimal mean is 2.975.
    expect((2.9 + 3.05) / 2).not.toBe(2.975);
    await seedReadings(database.pool, hourly(1, '2022-03-01T00:00:00Z', [2.9, 3.05]));
    await seedReadings(database.pool, hourly(2, '2022-03-01T00:00:00Z', [0.1, 0.2, 0.3]));

    await computeStats(database.pool, DAILY);

    const stats = await readWindowStats(database.pool);
    expect(stats.map((s) => s.mean)).toEqual([2.975, 0.2]);
  });

  it('puts a reading exactly on a boundary into the window that starts there', async () => {
    await seedReadings(database.pool, [
      { turbineId: 1, ts: '2022-03-01T23:59:59.999Z', power: 1 },
      { turbineId: 1, ts: '2022-03-02T00:00:00Z', power: 5 },
      { turbineId: 1, ts: '2022-03-02T00:00:00.001Z', power: 7 },
    ]);

    await computeStats(database.pool, DAILY);

    expect(await readWindowStats(database.pool)).toMatchObject([
      { windowStart: '2022-03-01T00:00:00Z', count: 1, mean: 1 },
      { windowStart: '2022-03-02T00:00:00Z', count: 2, min: 5, max: 7, mean: 6 },
    ]);
  });

  it('stores windows that have readings only, across gaps', async () => {
    await seedReadings(database.pool, [
      { turbineId: 3, ts: '2022-03-01T10:00:00Z', power: 1 },
      { turbineId: 3, ts: '2022-03-05T10:00:00Z', power: 2 },
    ]);

    const outcome = await computeStats(database.pool, DAILY);

    expect(outcome).toMatchObject({ status: 'done', windowsComputed: 2 });
    expect((await readWindowStats(database.pool)).map((s) => s.windowStart)).toEqual(['2022-03-01T00:00:00Z', '2022-03-05T00:00:00Z']);
  });

  it('gives 6-hour windows aligned to the epoch for WINDOW_SECONDS=21600', async () => {
    await seedReadings(database.pool, [
      { turbineId: 2, ts: '2022-03-01T05:59:59Z', power: 1 },
      { turbineId: 2, ts: '2022-03-01T06:00:00Z', power: 2 },
      { turbineId: 2, ts: '2022-03-01T11:00:00Z', power: 4 },
      { turbineId: 2, ts: '2022-03-01T13:00:00Z', power: 8 },
    ]);

    await computeStats(database.pool, { ...DAILY, windowSeconds: 21_600 });

    expect(await readWindowStats(database.pool)).toMatchObject([
      { windowStart: '2022-03-01T00:00:00Z', windowSeconds: 21_600, count: 1, mean: 1, expectedCount: 6 },
      { windowStart: '2022-03-01T06:00:00Z', windowSeconds: 21_600, count: 2, mean: 3, expectedCount: 6 },
      { windowStart: '2022-03-01T12:00:00Z', windowSeconds: 21_600, count: 1, mean: 8, expectedCount: 6 },
    ]);
  });

  it('recomputes everything when the reading interval changes expected_count', async () => {
    await seedReadings(database.pool, hourly(1, '2022-03-01T00:00:00Z', [1, 2]));
    await computeStats(database.pool, DAILY);

    const outcome = await computeStats(database.pool, { ...DAILY, readingIntervalSeconds: 600 });

    expect(outcome).toMatchObject({ status: 'done', full: true, windowsComputed: 1 });
    expect(await readWindowStats(database.pool)).toMatchObject([{ expectedCount: 144 }]);
  });
});
