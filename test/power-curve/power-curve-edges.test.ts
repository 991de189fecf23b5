import { createPool, type Pool } from '@windmill/core/db/pool';
import { assessFleet, type FleetReading } from '@windmill/core/domain/fleet-performance';
import { computeStats, DEFAULT_POWER_CURVE, type ComputeStatsOptions, type PowerCurveOptions } from '@windmill/core/stats/compute-stats';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { resetTables } from '../helpers/reset.js';
import { coreSettings, loadReadings, mismatches, readReadings, readStoredPerformance } from './power-curve-db.js';

/**
 * The stats job's power curve on small fleets built for each edge case, checked against the pure
 * core (domain/fleet-performance.ts `assessFleet`) on the very readings stored, and against what a
 * user would check: which windows a run reassessed, what it flagged, what it tallied.
 */

let db: TestDatabase;
let pool: Pool;

beforeAll(async () => {
  db = await createTestDatabase('power_curve_edges');
  pool = createPool(db.url, 3);
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});
beforeEach(() => resetTables(pool));

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2022, 2, 1);
/** Short reference periods keep the fleets small. */
const CURVE: PowerCurveOptions = { ...DEFAULT_POWER_CURVE, referenceDays: 3 };
const options = (curve: PowerCurveOptions = CURVE, extra: Partial<ComputeStatsOptions> = {}): ComputeStatsOptions => ({
  windowSeconds: 86_400,
  readingIntervalSeconds: 3600,
  sigma: 2,
  trigger: 'cli',
  powerCurve: curve,
  ...extra,
});

/** A toy curve: 0.5 MW per m/s above 3 m/s, 4 MW from 11 m/s. */
const curvePower = (v: number) => Math.min(4, Math.max(0, (v - 3) * 0.5));

interface FleetSpec {
  turbines: number[];
  days: number[];
  /** Wind speed of a turbine at an hour of a day. */
  wind?: (turbine: number, day: number, hour: number) => number | null;
  /** Power factor (1 = healthy). */
  factor?: (turbine: number, day: number) => number;
  imputed?: (turbine: number, day: number, hour: number) => boolean;
}

/** Hourly readings: wind stepping through 4.0 .. 9.5 m/s twice a day, power on the toy curve with a little jitter. */
function fleet(spec: FleetSpec): FleetReading[] {
  const readings: FleetReading[] = [];
  for (const day of spec.days) {
    for (let hour = 0; hour < 24; hour += 1) {
      for (const turbine of spec.turbines) {
        const windSpeed = spec.wind ? spec.wind(turbine, day, hour) : 4 + (hour % 12) / 2;
        const jitter = (((hour * 7 + turbine * 3 + day) % 5) - 2) * 0.01;
        const power = Math.max(0, (windSpeed === null ? 1 : curvePower(windSpeed)) * (spec.factor?.(turbine, day) ?? 1) + jitter);
        const imputed = spec.imputed?.(turbine, day, hour) ?? false;
        readings.push({
          turbineId: turbine,
          ts: T0 + day * DAY + hour * HOUR,
          windSpeed,
          power,
          windSpeedImputed: false,
          powerImputed: imputed,
        });
      }
    }
  }
  return readings;
}

async function run(curve: PowerCurveOptions = CURVE, extra: Partial<ComputeStatsOptions> = {}) {
  const outcome = await computeStats(pool, options(curve, extra));
  if (outcome.status !== 'done') throw new Error(`expected a done run, got ${JSON.stringify(outcome)}`);
  return outcome;
}

/** Asserts that every stored window equals the pure core's answer on every stored reading; returns the stored windows. */
async function expectCoreAgreement(curve: PowerCurveOptions = CURVE) {
  const stored = await readStoredPerformance(pool);
  const expected = assessFleet(await readReadings(pool), coreSettings(curve));
  expect(stored.length).toBe(expected.length);
  expect(mismatches(stored, expected)).toEqual([]);
  return stored;
}

const at = (stored: Awaited<ReturnType<typeof readStoredPerformance>>, turbine: number, day: number) =>
  stored.find((w) => w.turbineId === turbine && w.windowStart === T0 + day * DAY)!;

describe('the stats job computes the power curve as the pure core does', () => {
  it('flags a derated turbine-window with its ratio and lost energy, and nothing else', async () => {
    await loadReadings(pool, fleet({ turbines: [1, 2, 3, 4], days: [0, 1, 2, 3, 4], factor: (t, d) => (t === 2 && d === 4 ? 0.7 : 1) }));
    const outcome = await run();
    expect(outcome).toMatchObject({
      full: true,
      windowsComputed: 20,
      powerCurveDays: 5,
      powerCurveWindows: 20,
      anomaliesUnderperformance: 1,
    });
    const stored = await expectCoreAgreement();
    // Day 0 has no reference period: nothing is expected, nothing judged.
    expect(at(stored, 1, 0)).toMatchObject({ readingsUsed: 0, expectedEnergyMWh: 0, performanceRatio: null, judged: false });
    const { rows } = await pool.query(
      `SELECT turbine_id, to_char(window_start AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, value, mean, stddev, deviation, sigma, threshold, lost_energy_mwh, ts
         FROM anomaly WHERE kind = 'underperformance'`,
    );
    const derated = at(stored, 2, 4);
    expect(rows).toEqual([
      {
        turbine_id: 2,
        day: '2022-03-05',
        value: derated.performanceRatio,
        mean: 1,
        stddev: null,
        deviation: derated.performanceRatio! - 1,
        sigma: null,
        threshold: 0.1,
        lost_energy_mwh: derated.lostEnergyMWh,
        ts: null,
      },
    ]);
    expect(derated.performanceRatio).toBeCloseTo(0.7, 1);
  });

  it('bridges empty and thin bins between usable ones', async () => {
    // The reference days never see 6.5 or 7.0 m/s (bins 13, 14 empty); day 3 does, and is judged
    // by the line from 6.0 to 7.5 m/s. Day 2 has 2 readings at 8.0 m/s: a thin bin, bridged too.
    const wind = (_t: number, day: number, hour: number) => {
      const v = 4 + (hour % 12) / 2;
      if (day < 3 && (v === 6.5 || v === 7)) return 6;
      return day === 2 && v === 8 && hour > 12 ? 8.3 : v;
    };
    await loadReadings(pool, fleet({ turbines: [1, 2, 3], days: [0, 1, 2, 3], wind }));
    await run();
    const stored = await expectCoreAgreement();
    expect(at(stored, 1, 3)).toMatchObject({ readings: 24, readingsUsed: 24 });
    const bins = await pool.query<{ bin: number }>(`SELECT DISTINCT bin FROM power_curve_day WHERE day < '2022-03-04' ORDER BY bin`);
    expect(bins.rows.map((r) => r.bin)).not.toContain(13);
  });

  it('does not use readings whose wind is outside the usable bins (or missing)', async () => {
    // Turbine 1 on day 3: 4 hours at 15 m/s (beyond the curve), 2 without a wind speed.
    const wind = (t: number, day: number, hour: number) => {
      if (t === 1 && day === 3 && hour < 4) return 15;
      if (t === 1 && day === 3 && hour < 6) return null;
      return 4 + (hour % 12) / 2;
    };
    await loadReadings(pool, fleet({ turbines: [1, 2, 3], days: [0, 1, 2, 3], wind }));
    await run();
    const stored = await expectCoreAgreement();
    expect(at(stored, 1, 3)).toMatchObject({ readings: 24, readingsUsed: 18, judged: true, underperforming: false });
    expect(at(stored, 1, 3).energyMWh).toBeGreaterThan(at(stored, 1, 3).usedEnergyMWh);
  });

  it('neither tallies nor judges imputed readings: all imputed gives no curve and no verdict', async () => {
    await loadReadings(pool, fleet({ turbines: [1, 2, 3], days: [0, 1, 2, 3], imputed: () => true }));
    const outcome = await run();
    expect(outcome).toMatchObject({ windowsComputed: 12, powerCurveDays: 4, anomaliesUnderperformance: 0 });
    expect((await pool.query('SELECT count(*)::int AS n FROM power_curve_day')).rows[0]).toEqual({ n: 0 });
    const stored = await expectCoreAgreement();
    expect(stored.every((w) => w.readingsUsed === 0 && w.performanceRatio === null && !w.judged && w.energyMWh > 0)).toBe(true);
  });

  it('judges a single turbine against its own past', async () => {
    await loadReadings(pool, fleet({ turbines: [7], days: [0, 1, 2, 3], factor: (_t, d) => (d === 3 ? 0.5 : 1) }));
    const outcome = await run();
    expect(outcome.anomaliesUnderperformance).toBe(1);
    const stored = await expectCoreAgreement();
    expect(stored.map((w) => w.underperforming)).toEqual([false, false, false, true]);
    expect(at(stored, 7, 3).performanceRatio).toBeCloseTo(0.5, 1);
  });

  it('does not judge a calm window (expected energy under the minimum share of the rated energy)', async () => {
    // Turbine 3 on day 3: 4 m/s all day (0.5 MW expected of 3.25 rated: 15 %), at half power.
    const wind = (t: number, day: number, hour: number) => (t === 3 && day === 3 ? 4 : 4 + (hour % 12) / 2);
    const readings = fleet({ turbines: [1, 2, 3], days: [0, 1, 2, 3], wind, factor: (t, d) => (t === 3 && d === 3 ? 0.5 : 1) });
    await loadReadings(pool, readings);
    await run({ ...CURVE, minExpectedShare: 0.2 });
    let stored = await expectCoreAgreement({ ...CURVE, minExpectedShare: 0.2 });
    expect(at(stored, 3, 3)).toMatchObject({ judged: false, underperforming: false });
    expect(at(stored, 3, 3).performanceRatio).toBeLessThan(0.6);
    await run({ ...CURVE, minExpectedShare: 0.1 });
    stored = await expectCoreAgreement({ ...CURVE, minExpectedShare: 0.1 });
    expect(at(stored, 3, 3)).toMatchObject({ judged: true, underperforming: true });
  });
});

describe('which windows a run reassesses', () => {
  const history = () => fleet({ turbines: [1, 2, 3, 4], days: [0, 1, 2, 3, 4, 5, 6, 7] });

  it('a one-day append reassesses only the new windows when nothing comes after them', async () => {
    await loadReadings(pool, history());
    const first = await run();
    expect(first).toMatchObject({ full: true, windowsComputed: 32, powerCurveDays: 8, powerCurveWindows: 32 });
    await loadReadings(pool, fleet({ turbines: [1, 2, 3, 4], days: [8], factor: (t) => (t === 4 ? 0.6 : 1) }));
    const second = await run();
    expect(second).toMatchObject({
      full: false,
      windowsComputed: 4,
      powerCurveDays: 1,
      powerCurveWindows: 4,
      anomaliesUnderperformance: 1,
    });
    const stored = await expectCoreAgreement();
    expect(stored.filter((w) => w.runId === second.runId).map((w) => [w.turbineId, w.windowStart])).toEqual(
      [1, 2, 3, 4].map((t) => [t, T0 + 8 * DAY]),
    );
    const ledger = await pool.query(
      `SELECT "full", windows_computed, power_curve_days, power_curve_windows, anomalies_underperformance
                                        FROM stats_run WHERE id = $1`,
      [second.runId],
    );
    expect(ledger.rows).toEqual([
      { full: false, windows_computed: 4, power_curve_days: 1, power_curve_windows: 4, anomalies_underperformance: 1 },
    ]);
  });

  it('a rewritten day reassesses the windows whose reference period holds it, and no others', async () => {
    await loadReadings(pool, history());
    await run();
    const before = await readStoredPerformance(pool);
    // Turbine 1's day 2 again, derated: day 2's tally changes, so do the curves of days 3, 4 and 5.
    await loadReadings(pool, fleet({ turbines: [1], days: [2], factor: () => 0.3 }));
    const outcome = await run();
    // Its own window, plus 4 turbines x days 3..5.
    expect(outcome).toMatchObject({ full: false, windowsComputed: 1, powerCurveDays: 1, powerCurveWindows: 1 + 4 * 3 });
    const stored = await expectCoreAgreement();
    const changed = stored.filter((w, i) => w.expectedEnergyMWh !== before[i]!.expectedEnergyMWh).map((w) => (w.windowStart - T0) / DAY);
    expect([...new Set(changed)]).toEqual([3, 4, 5]);
    expect(at(stored, 1, 2)).toMatchObject({ underperforming: true });
    // Statistics other than the power curve keep the run that computed them.
    expect(stored.filter((w) => w.runId === outcome.runId).map((w) => [w.turbineId, (w.windowStart - T0) / DAY])).toEqual([[1, 2]]);
  });

  it('a change of a power-curve setting makes the next run full, with tallies of the new width', async () => {
    await loadReadings(pool, history());
    await run();
    expect(await run()).toMatchObject({ full: false, windowsComputed: 0, powerCurveDays: 0, powerCurveWindows: 0 });
    const wide = { ...CURVE, binWidth: 1 };
    expect(await run(wide)).toMatchObject({ full: true, windowsComputed: 32, powerCurveDays: 8 });
    await expectCoreAgreement(wide);
    const bins = await pool.query<{ bin: number }>('SELECT DISTINCT bin FROM power_curve_day ORDER BY bin');
    // 4.0 .. 9.5 m/s in 1 m/s bins centred on whole m/s: 4 .. 10 (9.5 goes up).
    expect(bins.rows.map((r) => r.bin)).toEqual([4, 5, 6, 7, 8, 9, 10]);
    const ledger = await pool.query(`SELECT bin_width, min_bin_count, reference_days, underperformance_threshold, min_expected_share
                                        FROM stats_run ORDER BY id DESC LIMIT 1`);
    expect(ledger.rows).toEqual([
      { bin_width: 1, min_bin_count: 5, reference_days: 3, underperformance_threshold: 0.1, min_expected_share: 0.05 },
    ]);
    for (const changed of [{ minBinCount: 6 }, { referenceDays: 4 }, { threshold: 0.2 }, { minExpectedShare: 0.1 }]) {
      expect(await run({ ...wide, ...changed })).toMatchObject({ full: true });
      await expectCoreAgreement({ ...wide, ...changed });
    }
  });

  it('keeps the tallies of days whose readings retention deleted, and judges later windows with them', async () => {
    await loadReadings(pool, history());
    // Keep 3 days before "now" = day 8: readings of days 0-4 go once computed.
    const now = new Date(T0 + 8 * DAY);
    const purging = await computeStats(pool, options(CURVE, { retainReadingsDays: 3, now }));
    expect(purging).toMatchObject({ status: 'done', readingsPurged: 4 * 5 * 24 });
    expect((await pool.query(`SELECT count(DISTINCT day)::int AS n FROM power_curve_day`)).rows[0]).toEqual({ n: 8 });
    // Day 5, rewritten, is judged by days 2-4, whose readings are gone but whose tallies stay.
    const day5 = fleet({ turbines: [1, 2, 3, 4], days: [5], factor: (t) => (t === 1 ? 0.5 : 1) });
    await loadReadings(pool, day5);
    const outcome = await run(CURVE, { retainReadingsDays: 3, now });
    expect(outcome).toMatchObject({ full: false, windowsComputed: 4, powerCurveDays: 1, anomaliesUnderperformance: 1 });
    const expected = assessFleet([...history().filter((r) => r.ts < T0 + 5 * DAY || r.ts >= T0 + 6 * DAY), ...day5], coreSettings(CURVE));
    const stored = await readStoredPerformance(pool);
    expect(mismatches(stored, expected)).toEqual([]);
  });
});
