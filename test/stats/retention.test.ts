import { parseConfig } from '@windmill/core/config/config';
import { statsOptionsFrom } from '@windmill/core/config/settings';
import { listAnomalies } from '@windmill/core/read/anomalies.read';
import { listWindowStats } from '@windmill/core/read/window-stats.read';
import { computeStats, type ComputeStatsOptions } from '@windmill/core/stats/compute-stats';
import { purgeComputedReadings } from '@windmill/core/stats/retention.repository';
import { useTestDatabase } from '../helpers/database.js';
import { memoryLogger } from '../helpers/silent-logger.js';
import { seedReadings } from '../helpers/readings.js';
import { resetTables } from '../helpers/reset.js';
import { DAILY, type FixtureReading, hourly, readAnomalies, readWindowStats } from './stats-fixtures.js';

const database = useTestDatabase('stats_retention', { poolSize: 4 });
beforeEach(() => resetTables(database.pool));

// Keep 10 days at NOW: now - 10 days is 2022-03-21T12:00Z, inside the day window that starts at
// HORIZON, so days 1 and 2 are purged whole and day 3 is kept whole.
const NOW = new Date('2022-03-31T12:00:00Z');
const HORIZON = '2022-03-21T00:00:00Z';
const DAY1 = '2022-03-19T00:00:00Z';
const DAY2 = '2022-03-20T00:00:00Z';
const DAY3 = '2022-03-21T00:00:00Z';
const DAY4 = '2022-03-22T00:00:00Z';
const RETAIN: ComputeStatsOptions = { ...DAILY, retainReadingsDays: 10, now: NOW };

/** Three hourly readings of the same value per turbine-day (turbines 1..n). */
function days(start: string, meanByTurbine: number[]): FixtureReading[] {
  return meanByTurbine.flatMap((mean, i) => hourly(i + 1, start, [mean, mean, mean]));
}

/**
 * Seven turbines over four days. Day 1: turbine 3 stands out from the fleet. Day 2 and day 3:
 * turbine 1 (day 2) and turbine 2 (day 3) have one reading far above their window's mean.
 */
const HISTORY: FixtureReading[] = [
  ...days(DAY1, [10, 10.5, 0, 10, 10.2, 9.8, 10]),
  ...hourly(1, DAY2, [10, 10, 10, 10, 10, 10, 10, 10, 19]),
  ...days(DAY2, [0, 10.5, 9.5, 10, 10.2, 9.8, 10]).filter((r) => r.turbineId !== 1),
  ...hourly(2, DAY3, [10, 10, 10, 10, 10, 10, 10, 10, 19]),
  ...days(DAY3, [10, 0, 9.5, 10, 10.2, 9.8, 10]).filter((r) => r.turbineId !== 2),
  ...days(DAY4, [10, 10.5, 9.5, 10, 10.2, 9.8, 10]),
];
const isOld = (r: FixtureReading) => Date.parse(r.ts) < Date.parse(HORIZON);
const PURGED = HISTORY.filter(isOld).length;

function doneRun(outcome: Awaited<ReturnType<typeof computeStats>>) {
  if (outcome.status !== 'done') throw new Error(`expected a done run, got ${JSON.stringify(outcome)}`);
  return outcome;
}

async function readingTimes(): Promise<Array<{ turbine: number; ts: string; power: number }>> {
  const { rows } = await database.pool.query<{ turbine: number; ts: string; power: number }>(
    `SELECT turbine_id AS turbine, to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS ts, power_output AS power
       FROM reading ORDER BY turbine_id, ts`,
  );
  return rows;
}

const before = (iso: string) => (s: { windowStart: string }) => s.windowStart < iso;

describe('retention of readings (RETAIN_READINGS_DAYS)', () => {
  it('deletes the readings of windows before the horizon once computed, and keeps their statistics and anomalies', async () => {
    await seedReadings(database.pool, HISTORY);
    const { logger, lines } = memoryLogger();

    const run = doneRun(await computeStats(database.pool, { ...RETAIN, logger }));

    expect(run).toMatchObject({ full: true, windowsComputed: 28, readingsPurged: PURGED });
    expect(PURGED).toBeGreaterThan(0);
    // Newer readings stay, and so does all of day 3, although its first hours are older than
    // now - 10 days: retention takes whole windows only.
    expect(await readingTimes()).toEqual(
      HISTORY.filter((r) => !isOld(r))
        .map((r) => ({ turbine: r.turbineId, ts: r.ts.replace('.000', ''), power: r.power }))
        .sort((a, b) => a.turbine - b.turbine || a.ts.localeCompare(b.ts)),
    );
    expect(lines().find((l) => l.msg === 'readings purged')).toMatchObject({
      readingsDeleted: PURGED,
      deferredTurbines: 0,
      horizon: '2022-03-21T00:00:00.000Z',
    });
    expect(lines().find((l) => l.msg === 'stats run done')).toMatchObject({ readingsPurged: PURGED });

    // The purged days' windows and anomalies are still stored, and still served.
    const stats = await readWindowStats(database.pool);
    expect(stats.filter(before(HORIZON))).toHaveLength(14);
    expect(stats.find((s) => s.turbineId === 1 && s.windowStart === DAY2)).toMatchObject({ count: 9, min: 10, max: 19, mean: 11 });
    expect((await readAnomalies(database.pool, 'turbine')).filter(before(HORIZON))).toMatchObject([{ windowStart: DAY1, turbineId: 3 }]);
    expect((await readAnomalies(database.pool, 'reading')).filter(before(HORIZON))).toMatchObject([
      { windowStart: DAY2, turbineId: 1, value: 19 },
    ]);

    const served = await listWindowStats(database.pool, { windowSeconds: 86_400, turbineId: 1, limit: 100 });
    expect(served.rows.map((s) => [s.windowStart.toISOString(), s.count])).toEqual([
      ['2022-03-19T00:00:00.000Z', 3],
      ['2022-03-20T00:00:00.000Z', 9],
      ['2022-03-21T00:00:00.000Z', 3],
      ['2022-03-22T00:00:00.000Z', 3],
    ]);
    const anomalies = await listAnomalies(database.pool, { windowSeconds: 86_400, to: new Date(HORIZON), limit: 100 });
    expect(anomalies.rows.map((a) => [a.kind, a.turbineId, a.windowStart.toISOString()])).toEqual([
      ['turbine', 3, '2022-03-19T00:00:00.000Z'],
      ['reading', 1, '2022-03-20T00:00:00.000Z'],
    ]);

    // Nothing more to purge on the next run.
    expect(doneRun(await computeStats(database.pool, RETAIN))).toMatchObject({ full: false, windowsComputed: 0, readingsPurged: 0 });
  });

  it('keeps the purged windows and anomalies through a later full run (sigma changed), recomputing only windows with readings', async () => {
    await seedReadings(database.pool, HISTORY);
    const first = doneRun(await computeStats(database.pool, RETAIN));
    const statsBefore = await readWindowStats(database.pool);
    const anomaliesBefore = [...(await readAnomalies(database.pool, 'reading')), ...(await readAnomalies(database.pool, 'turbine'))];

    const second = doneRun(await computeStats(database.pool, { ...RETAIN, sigma: 1.5 }));

    expect(second).toMatchObject({ full: true, windowsComputed: 14, readingsPurged: 0 });
    const statsAfter = await readWindowStats(database.pool);
    // Days 1 and 2 exactly as the first run stored them; days 3 and 4 recomputed by the second.
    expect(statsAfter.filter(before(HORIZON))).toEqual(statsBefore.filter(before(HORIZON)));
    expect(statsAfter.filter((s) => !before(HORIZON)(s)).every((s) => s.runId === second.runId)).toBe(true);
    expect(statsAfter.filter((s) => !before(HORIZON)(s))).toHaveLength(14);

    const anomaliesAfter = [...(await readAnomalies(database.pool, 'reading')), ...(await readAnomalies(database.pool, 'turbine'))];
    expect(anomaliesAfter.filter(before(HORIZON))).toEqual(anomaliesBefore.filter(before(HORIZON)));
    expect(anomaliesAfter.filter(before(HORIZON)).every((a) => a.sigma === 2 && a.runId === first.runId)).toBe(true);
    const recent = anomaliesAfter.filter((a) => !before(HORIZON)(a));
    expect(recent).toContainEqual(expect.objectContaining({ kind: 'reading', turbineId: 2, windowStart: DAY3, value: 19, sigma: 1.5 }));
    expect(recent.every((a) => a.runId === second.runId)).toBe(true);
  });

  it('runs one full run, not one per run, when the reading interval changes after a purge', async () => {
    await seedReadings(database.pool, HISTORY);
    doneRun(await computeStats(database.pool, RETAIN));

    const changed = { ...RETAIN, readingIntervalSeconds: 1800 };
    expect(doneRun(await computeStats(database.pool, changed))).toMatchObject({ full: true, windowsComputed: 14 });
    expect(doneRun(await computeStats(database.pool, changed))).toMatchObject({ full: false, windowsComputed: 0 });

    // The purged windows keep the count they were computed with; the others expect 48 now.
    const stats = await readWindowStats(database.pool);
    expect(new Set(stats.filter(before(HORIZON)).map((s) => s.expectedCount))).toEqual(new Set([24]));
    expect(new Set(stats.filter((s) => !before(HORIZON)(s)).map((s) => s.expectedCount))).toEqual(new Set([48]));
  });

  it('deletes nothing with RETAIN_READINGS_DAYS=0, and purges with the days the setting gives', async () => {
    await seedReadings(database.pool, HISTORY);
    const keepForever = statsOptionsFrom(parseConfig({ RETAIN_READINGS_DAYS: '0' }, '/'), 'cli');
    expect(keepForever.retainReadingsDays).toBe(0);

    const run = doneRun(await computeStats(database.pool, { ...keepForever, now: new Date('2030-01-01T00:00:00Z') }));

    expect(run).toMatchObject({ readingsPurged: 0 });
    expect(await readingTimes()).toHaveLength(HISTORY.length);

    const tenDays = statsOptionsFrom(parseConfig({ RETAIN_READINGS_DAYS: '10' }, '/'), 'cli');
    expect(doneRun(await computeStats(database.pool, { ...tenDays, now: NOW }))).toMatchObject({ readingsPurged: PURGED });
  });

  it('never deletes readings still pending: their windows, and later ones of the turbine, wait for the next run', async () => {
    await seedReadings(database.pool, HISTORY);
    doneRun(await computeStats(database.pool, DAILY));
    // A file with a correction for turbine 1 on day 2, committed but not yet folded into stats.
    await seedReadings(database.pool, [{ turbineId: 1, ts: '2022-03-20T08:00:00Z', power: 10 }]);

    const purged = await purgeComputedReadings(database.pool, new Date(HORIZON), 86_400);

    // Turbine 1 keeps every reading from day 2 on (the pending window), not only the corrected one.
    const left = await readingTimes();
    expect(left.filter((r) => r.turbine === 1 && r.ts < HORIZON).map((r) => r.ts)).toEqual(
      hourly(1, DAY2, new Array<number>(9).fill(0)).map((r) => r.ts.replace('.000', '')),
    );
    expect(left.filter((r) => r.turbine !== 1 && r.ts < HORIZON)).toEqual([]);
    expect(purged).toEqual({ deleted: PURGED - 9, deferredTurbines: 0 });

    // The next run recomputes turbine 1's day 2 from all its readings, then purges them.
    const next = doneRun(await computeStats(database.pool, RETAIN));
    expect(next).toMatchObject({ full: false, windowsComputed: 1, readingsPurged: 9 });
    expect((await readWindowStats(database.pool)).find((s) => s.turbineId === 1 && s.windowStart === DAY2)).toMatchObject({
      count: 9,
      max: 10,
      mean: 10,
    });
  });

  it('leaves old readings a loader is rewriting while the purge runs for the run after', async () => {
    await seedReadings(database.pool, HISTORY);
    doneRun(await computeStats(database.pool, DAILY));
    const corrected = hourly(2, DAY2, [7, 7, 7]);

    const loader = await database.pool.connect();
    let run: ReturnType<typeof computeStats> | undefined;
    try {
      await loader.query('BEGIN');
      // Rewrites turbine 2's day-2 readings (row locks held) and leaves its pending note, uncommitted.
      await seedReadings(loader, corrected);
      run = computeStats(database.pool, RETAIN);
      // Whether the purge reaches turbine 2 before or after this commit, it must not delete them.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await loader.query('COMMIT');
    } finally {
      loader.release();
    }
    doneRun(await run!);

    const left = await readingTimes();
    expect(left.filter((r) => r.turbine === 2 && r.ts >= DAY2 && r.ts < HORIZON)).toEqual(
      corrected.map((r) => ({ turbine: 2, ts: r.ts.replace('.000', ''), power: 7 })),
    );

    // The next run folds the correction into day 2's window and only then purges it (with turbine
    // 2's day 1 too, when the purge above gave way to the loader rather than seeing its note).
    expect(doneRun(await computeStats(database.pool, RETAIN))).toMatchObject({ windowsComputed: 1 });
    expect((await readWindowStats(database.pool)).find((s) => s.turbineId === 2 && s.windowStart === DAY2)).toMatchObject({
      count: 3,
      mean: 7,
    });
    expect((await readingTimes()).filter((r) => r.ts < HORIZON)).toEqual([]);
  });
});
