import { computeStats } from '@windmill/core/stats/compute-stats';
import { useTestDatabase } from '../helpers/database.js';
import { seedReadings } from '../helpers/readings.js';
import { resetTables } from '../helpers/reset.js';
import { DAILY, type FixtureReading, hourly, readAnomalies, readWindowStats, sampleStats } from './stats-fixtures.js';

const database = useTestDatabase('stats_incremental', { poolSize: 3 });
beforeEach(() => resetTables(database.pool));

const DAY1 = '2022-03-01T00:00:00Z';
const DAY2 = '2022-03-02T00:00:00Z';
const DAY3 = '2022-03-03T00:00:00Z';

/** Three hourly readings of the same value per turbine-day: window mean = that value, no reading anomalies. */
function days(start: string, meanByTurbine: number[]): FixtureReading[] {
  return meanByTurbine.flatMap((mean, i) => hourly(i + 1, start, [mean, mean, mean]));
}

function doneRun(outcome: Awaited<ReturnType<typeof computeStats>>) {
  if (outcome.status !== 'done') throw new Error(`expected a done run, got ${JSON.stringify(outcome)}`);
  return outcome;
}

describe('incremental stats runs', () => {
  it('recomputes only the touched windows, yet redoes the fleet comparison of their window starts', async () => {
    // Day 1: turbine 3 stands out. Day 2: turbine 7 stands out.
    const day1 = [10, 10.5, 0, 10, 10.2, 9.8, 10];
    const day2 = [10, 10.5, 9.5, 10, 10.2, 9.8, 0];
    await seedReadings(database.pool, [...days(DAY1, day1), ...days(DAY2, day2)]);
    const first = doneRun(await computeStats(database.pool, DAILY));
    expect(first).toMatchObject({ full: true, windowsComputed: 14, anomaliesTurbine: 2 });
    expect((await readAnomalies(database.pool, 'turbine')).map((a) => [a.windowStart, a.turbineId])).toEqual([
      [DAY1, 3],
      [DAY2, 7],
    ]);
    const before = await readWindowStats(database.pool);

    // A later file overwrites turbine 1's day 2 with zeros and adds its day 3. With two turbines at
    // 0 on day 2 neither is outside the fleet band any more (expected values computed below).
    await seedReadings(database.pool, [...hourly(1, DAY2, [0, 0, 0]), ...hourly(1, DAY3, [4, 4, 4])]);
    const newDay2 = [0, ...day2.slice(1)];
    const { mean: mu, sd } = sampleStats(newDay2);
    expect(newDay2.filter((m) => Math.abs(m - mu) > 2 * sd)).toEqual([]);

    const second = doneRun(await computeStats(database.pool, DAILY));

    expect(second).toMatchObject({ full: false, windowsComputed: 2, anomaliesTurbine: 0 });
    const after = await readWindowStats(database.pool);
    const recomputed = after.filter((s) => s.runId === second.runId).map((s) => [s.turbineId, s.windowStart, s.mean]);
    expect(recomputed).toEqual([
      [1, DAY2, 0],
      [1, DAY3, 4],
    ]);
    // Every other window is untouched: same run, same computed_at.
    const untouched = after.filter((s) => s.runId !== second.runId);
    expect(untouched).toEqual(before.filter((s) => !(s.turbineId === 1 && s.windowStart === DAY2)));
    // Day 2's fleet verdict was redone (turbine 7 no longer flagged); day 1's stays from the first run.
    expect(await readAnomalies(database.pool, 'turbine')).toMatchObject([{ windowStart: DAY1, turbineId: 3, runId: first.runId }]);
  });

  it('computes nothing when nothing is pending', async () => {
    await seedReadings(database.pool, days(DAY1, [1, 2, 3]));
    doneRun(await computeStats(database.pool, DAILY));
    const before = await readWindowStats(database.pool);

    const idle = doneRun(await computeStats(database.pool, DAILY));

    expect(idle).toMatchObject({ full: false, windowsComputed: 0, anomaliesReading: 0, anomaliesTurbine: 0 });
    expect(await readWindowStats(database.pool)).toEqual(before);
  });

  it('recomputes reading anomalies of a window whose readings were overwritten', async () => {
    // Eight zeros and one 9: the 9 is 8/3 sample stddevs above the mean, outside k = 2.
    await seedReadings(database.pool, hourly(1, DAY1, [0, 0, 0, 0, 0, 0, 0, 0, 9]));
    expect(doneRun(await computeStats(database.pool, DAILY))).toMatchObject({ anomaliesReading: 1 });
    expect(await readAnomalies(database.pool, 'reading')).toMatchObject([{ ts: '2022-03-01T08:00:00Z', value: 9 }]);

    // A later file corrects the 9 to 0: the window is all zeros (stddev 0) and flags nothing.
    await seedReadings(database.pool, [{ turbineId: 1, ts: '2022-03-01T08:00:00Z', power: 0 }]);
    const second = doneRun(await computeStats(database.pool, DAILY));

    expect(second).toMatchObject({ full: false, windowsComputed: 1, anomaliesReading: 0 });
    expect(await readWindowStats(database.pool)).toMatchObject([{ count: 9, max: 0, stddev: 0, runId: second.runId }]);
    expect(await readAnomalies(database.pool, 'reading')).toEqual([]);
  });

  it('leaves a file that commits during a run for the next run', async () => {
    await seedReadings(database.pool, days(DAY1, [1, 2, 3]));
    doneRun(await computeStats(database.pool, DAILY));

    const loader = await database.pool.connect();
    try {
      await loader.query('BEGIN');
      await seedReadings(loader, hourly(2, DAY2, [6, 8]));
      // The run cannot see the uncommitted readings or their pending note, and must not lose the note.
      expect(doneRun(await computeStats(database.pool, DAILY))).toMatchObject({ windowsComputed: 0 });
      await loader.query('COMMIT');
    } finally {
      loader.release();
    }

    expect(doneRun(await computeStats(database.pool, DAILY))).toMatchObject({ full: false, windowsComputed: 1 });
    expect((await readWindowStats(database.pool)).find((s) => s.windowStart === DAY2)).toMatchObject({ turbineId: 2, count: 2, mean: 7 });
  });

  it('turns into a full run when the changed windows are too many to read one by one', async () => {
    // 30 turbines x 800 days of history, one reading a day: 24 000 windows.
    const history: FixtureReading[] = [];
    for (let day = 0; day < 800; day++) {
      const ts = new Date(Date.UTC(2020, 0, 1) + day * 86_400_000).toISOString();
      for (let turbine = 1; turbine <= 30; turbine++) history.push({ turbineId: turbine, ts, power: 1 + ((day + turbine) % 5) });
    }
    await seedReadings(database.pool, history, { pending: false });
    expect(doneRun(await computeStats(database.pool, DAILY))).toMatchObject({ full: true, windowsComputed: 24_000 });
    await database.pool.query('ANALYZE window_stat');

    // A small change stays incremental.
    await seedReadings(database.pool, hourly(1, '2022-03-11T00:00:00Z', [2, 3, 4]));
    expect(doneRun(await computeStats(database.pool, DAILY))).toMatchObject({ full: false, windowsComputed: 1 });

    // A reload touching every window (more than 2 % of them, and more than 2 000): one full pass.
    await seedReadings(
      database.pool,
      history.map((r) => ({ ...r, power: r.power + 1 })),
    );
    const wide = doneRun(await computeStats(database.pool, DAILY));
    expect(wide).toMatchObject({ full: true, windowsComputed: 24_001 });
    expect((await readWindowStats(database.pool)).find((w) => w.turbineId === 2 && w.windowStart === '2020-01-01T00:00:00Z')).toMatchObject(
      {
        mean: 1 + ((0 + 2) % 5) + 1,
      },
    );
  });
});
