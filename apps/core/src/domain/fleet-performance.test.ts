import { assessFleet, type FleetReading, type PerformanceSettings } from '@windmill/core/domain/fleet-performance';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2022, 2, 1);
const SETTINGS: PerformanceSettings = {
  binWidth: 0.5,
  minBinCount: 5,
  referenceDays: 3,
  underperformanceThreshold: 0.1,
  minExpectedShare: 0.05,
  windowSeconds: 86_400,
  readingIntervalSeconds: 3600,
};

/** A toy curve: 0.5 MW per m/s above 3 m/s, 4 MW from 11 m/s. */
const curvePower = (v: number) => Math.min(4, Math.max(0, (v - 3) * 0.5));
/** Wind stepping through the bin centres 4.0 .. 9.5 m/s twice a day: 2 readings per bin per turbine-day. */
const windAt = (hour: number) => 4 + (hour % 12) / 2;

/** Hourly readings of `turbines` turbines over `days` days; `factor` scales a turbine's power on a day. */
function fleet(turbines: number, days: number, factor: (turbine: number, day: number) => number = () => 1): FleetReading[] {
  const readings: FleetReading[] = [];
  for (let day = 0; day < days; day += 1) {
    for (let hour = 0; hour < 24; hour += 1) {
      for (let turbine = 1; turbine <= turbines; turbine += 1) {
        const windSpeed = windAt(hour);
        const power = curvePower(windSpeed) * factor(turbine, day);
        readings.push({
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
  return readings;
}

const pick = (results: ReturnType<typeof assessFleet>, turbineId: number, day: number) =>
  results.find((r) => r.turbineId === turbineId && r.windowStart === T0 + day * DAY)!;

describe('assessFleet', () => {
  it('judges nothing on the first day, which has no reference period', () => {
    const results = assessFleet(fleet(3, 2), SETTINGS);
    expect(results).toHaveLength(6);
    expect(pick(results, 1, 0)).toMatchObject({ readings: 24, readingsUsed: 0, performanceRatio: null, underperforming: false });
    expect(pick(results, 1, 1)).toMatchObject({ readingsUsed: 24, performanceRatio: 1, lostEnergyMWh: 0, underperforming: false });
  });

  it('flags a derated turbine-window and gives its lost energy', () => {
    const results = assessFleet(
      fleet(4, 4, (t, d) => (t === 2 && d === 3 ? 0.7 : 1)),
      SETTINGS,
    );
    const derated = pick(results, 2, 3);
    expect(derated.underperforming).toBe(true);
    expect(derated.performanceRatio).toBeCloseTo(0.7, 12);
    expect(derated.lostEnergyMWh).toBeCloseTo(0.3 * derated.expectedEnergyMWh, 9);
    expect(results.filter((r) => r.underperforming)).toEqual([derated]);
    // Ordered by window start, then turbine.
    expect(results.map((r) => [r.windowStart, r.turbineId])).toEqual(
      [0, 1, 2, 3].flatMap((d) => [1, 2, 3, 4].map((t) => [T0 + d * DAY, t])),
    );
  });

  it('judges a single turbine against its own past', () => {
    // One turbine fills a bin with 2 readings a day: let a bin with 2 readings count.
    const results = assessFleet(
      fleet(1, 4, (_, d) => (d === 3 ? 0.5 : 1)),
      { ...SETTINGS, minBinCount: 2 },
    );
    expect(results.map((r) => r.performanceRatio)).toEqual([null, 1, 1, expect.closeTo(0.5, 12)]);
    expect(results.map((r) => r.underperforming)).toEqual([false, false, false, true]);
  });

  it('uses only the reference days: a later day never changes an earlier window', () => {
    const short = assessFleet(fleet(2, 3), SETTINGS);
    const longer = assessFleet(
      fleet(2, 5, (_, d) => (d >= 3 ? 0.2 : 1)),
      SETTINGS,
    );
    expect(longer.slice(0, short.length)).toEqual(short);
    // Day 4 is judged by days 1-3, which include the derated day 3.
    expect(pick(longer, 1, 4).performanceRatio).toBeLessThan(0.5);
  });

  it('drops days older than the reference period', () => {
    // Days 0-2 at double power, then normal: day 6 is judged by days 3-5 only.
    const results = assessFleet(
      fleet(2, 7, (_, d) => (d < 3 ? 2 : 1)),
      SETTINGS,
    );
    expect(pick(results, 1, 3).performanceRatio).toBeCloseTo(0.5, 12);
    expect(pick(results, 1, 6).performanceRatio).toBeCloseTo(1, 12);
  });

  it('gives shorter windows of one day the same curve', () => {
    const results = assessFleet(
      fleet(3, 2, (t, d) => (t === 1 && d === 1 ? 0.8 : 1)),
      { ...SETTINGS, windowSeconds: 21_600 },
    );
    const day1 = results.filter((r) => r.turbineId === 1 && r.windowStart >= T0 + DAY);
    expect(day1).toHaveLength(4);
    for (const w of day1) expect(w).toMatchObject({ readingsUsed: 6, performanceRatio: expect.closeTo(0.8, 12), underperforming: true });
  });

  it('does not judge a calm window: expected energy below the minimum share of the rated energy', () => {
    // The toy curve's highest usable mean is 3.25 MW (9.5 m/s): rated energy 78 MWh a day. Turbine 2's
    // day 3 has calm wind only (4 m/s, 0.5 MW): 12 MWh expected, judged with a share of 0.15, not with 0.2.
    const calm = fleet(3, 4, (t, d) => (t === 2 && d === 3 ? 0.5 : 1)).map((r) =>
      r.turbineId === 2 && r.ts >= T0 + 3 * DAY ? { ...r, windSpeed: 4, power: curvePower(4) * 0.5 } : r,
    );
    const judgedAt = (share: number) => pick(assessFleet(calm, { ...SETTINGS, minExpectedShare: share }), 2, 3);
    expect(judgedAt(0.15)).toMatchObject({
      ratedEnergyMWh: 78,
      expectedEnergyMWh: 12,
      performanceRatio: 0.5,
      judged: true,
      underperforming: true,
    });
    expect(judgedAt(0.2)).toMatchObject({ expectedEnergyMWh: 12, performanceRatio: 0.5, judged: false, underperforming: false });
  });

  it('does not judge windows whose readings are all imputed, nor build curves from them', () => {
    const readings = fleet(2, 3).map((r) => (r.ts < T0 + 2 * DAY ? { ...r, powerImputed: true } : r));
    const results = assessFleet(readings, SETTINGS);
    expect(results.every((r) => r.readingsUsed === 0 && !r.underperforming)).toBe(true);
  });

  it('refuses settings outside their domain, naming each', () => {
    expect(() => assessFleet([], { ...SETTINGS, binWidth: 0, minBinCount: 0.5, windowSeconds: 5000 })).toThrow(
      /binWidth must be > 0.*minBinCount must be an integer >= 1.*windowSeconds must be a positive multiple/,
    );
    expect(() => assessFleet([], { ...SETTINGS, referenceDays: 0, underperformanceThreshold: 1, minExpectedShare: 1.5 })).toThrow(
      /referenceDays.*underperformanceThreshold.*minExpectedShare/,
    );
  });
});
