import { mergeTallies, tallyBins, type BinTally, type CurveReading } from './power-curve-bins.js';
import { curveFromTallies, ratedPower, type CurveSettings, type PowerCurve } from './power-curve.js';
import { referenceDayMs, referencePeriod } from './reference-period.js';
import { assessWindow, isJudged, ratedEnergy, type WindowPerformance } from './window-performance.js';
import { windowStartMs } from './anomaly-rules.js';

/**
 * Power-curve performance of every (turbine, window) of a set of readings, in memory: the whole
 * feature as one pure function, the definition the stats job's SQL reproduces and the tests
 * check. It is built the way the SQL is meant to work: readings are tallied per (UTC day, bin),
 * and each reference day's fleet curve is the merge of the tallies of its reference period.
 */

export interface FleetReading extends CurveReading {
  turbineId: number;
  /** Epoch milliseconds. */
  ts: number;
}

/** The settings, as plain values (the config module maps the environment onto them). */
export interface PerformanceSettings extends CurveSettings {
  /** POWER_CURVE_REFERENCE_DAYS, an integer >= 1 (default 30). */
  referenceDays: number;
  /** UNDERPERFORMANCE_THRESHOLD, in [0, 1) (default 0.1). */
  underperformanceThreshold: number;
  /** UNDERPERFORMANCE_MIN_EXPECTED_SHARE, in [0, 1] (default 0.05); see `isJudged`. */
  minExpectedShare: number;
  /** WINDOW_SECONDS. */
  windowSeconds: number;
  /** READING_INTERVAL_SECONDS; WINDOW_SECONDS is a multiple of it. */
  readingIntervalSeconds: number;
}

export interface TurbineWindowPerformance extends WindowPerformance {
  turbineId: number;
  /** Epoch milliseconds. */
  windowStart: number;
  /** The fleet's rated energy for the window (see `ratedEnergy`); null when its curve has no usable bin. */
  ratedEnergyMWh: number | null;
  /** Whether the underperformance rule judged the window (see `isJudged`). */
  judged: boolean;
  underperforming: boolean;
}

const DAY_MS = 86_400_000;

/** One RangeError naming every setting outside its domain. */
export function checkPerformanceSettings(s: PerformanceSettings): void {
  const problems: string[] = [];
  if (!(s.binWidth > 0 && Number.isFinite(s.binWidth))) problems.push(`binWidth must be > 0 (got ${s.binWidth})`);
  if (!(Number.isInteger(s.minBinCount) && s.minBinCount >= 1)) problems.push(`minBinCount must be an integer >= 1 (got ${s.minBinCount})`);
  if (!(Number.isInteger(s.referenceDays) && s.referenceDays >= 1)) {
    problems.push(`referenceDays must be an integer >= 1 (got ${s.referenceDays})`);
  }
  if (!(s.underperformanceThreshold >= 0 && s.underperformanceThreshold < 1)) {
    problems.push(`underperformanceThreshold must be in [0, 1) (got ${s.underperformanceThreshold})`);
  }
  if (!(s.minExpectedShare >= 0 && s.minExpectedShare <= 1))
    problems.push(`minExpectedShare must be in [0, 1] (got ${s.minExpectedShare})`);
  if (!(Number.isInteger(s.readingIntervalSeconds) && s.readingIntervalSeconds >= 1)) {
    problems.push(`readingIntervalSeconds must be a positive integer (got ${s.readingIntervalSeconds})`);
  } else if (!(Number.isInteger(s.windowSeconds) && s.windowSeconds >= 1 && s.windowSeconds % s.readingIntervalSeconds === 0)) {
    problems.push(`windowSeconds must be a positive multiple of readingIntervalSeconds (got ${s.windowSeconds})`);
  }
  if (problems.length > 0) throw new RangeError(`invalid power-curve settings: ${problems.join('; ')}`);
}

/**
 * Per (turbine, window) with readings: energies, ratio, readings used and the underperformance
 * flag, ordered by window start, then turbine. Each window is judged by the fleet curve of its
 * reference period (`referencePeriod`), built from all turbines' readings in `readings`, so the
 * caller passes the windows of interest plus the `referenceDays` days before them. A single
 * turbine is its own fleet: its past judges its present. Throws RangeError for bad settings.
 */
export function assessFleet(readings: Iterable<FleetReading>, settings: PerformanceSettings): TurbineWindowPerformance[] {
  checkPerformanceSettings(settings);
  const byDay = new Map<number, FleetReading[]>();
  const byWindow = new Map<string, { turbineId: number; windowStart: number; readings: FleetReading[] }>();
  for (const reading of readings) {
    const day = windowStartMs(reading.ts, 86_400);
    const dayReadings = byDay.get(day);
    if (dayReadings === undefined) byDay.set(day, [reading]);
    else dayReadings.push(reading);
    const windowStart = windowStartMs(reading.ts, settings.windowSeconds);
    const key = `${reading.turbineId}|${windowStart}`;
    const group = byWindow.get(key);
    if (group === undefined) byWindow.set(key, { turbineId: reading.turbineId, windowStart, readings: [reading] });
    else group.readings.push(reading);
  }

  const dayTallies = new Map<number, BinTally[]>();
  for (const [day, list] of byDay) dayTallies.set(day, tallyBins(list, settings.binWidth));
  const curves = new Map<number, PowerCurve>();
  const curveFor = (windowStart: number): PowerCurve => {
    const day = referenceDayMs(windowStart);
    let curve = curves.get(day);
    if (curve === undefined) {
      const { fromMs, toMs } = referencePeriod(windowStart, settings.referenceDays);
      const lists: BinTally[][] = [];
      for (let d = fromMs; d < toMs; d += DAY_MS) lists.push(dayTallies.get(d) ?? []);
      curve = curveFromTallies(mergeTallies(lists), settings);
      curves.set(day, curve);
    }
    return curve;
  };

  const rule = {
    threshold: settings.underperformanceThreshold,
    expectedCount: settings.windowSeconds / settings.readingIntervalSeconds,
    minExpectedShare: settings.minExpectedShare,
  };
  return [...byWindow.values()]
    .sort((a, b) => a.windowStart - b.windowStart || a.turbineId - b.turbineId)
    .map(({ turbineId, windowStart, readings: list }) => {
      const curve = curveFor(windowStart);
      const performance = assessWindow(list, curve, settings.readingIntervalSeconds);
      const ratedEnergyMWh = ratedEnergy(ratedPower(curve), settings.windowSeconds);
      const judged = isJudged(performance, rule, ratedEnergyMWh);
      return {
        turbineId,
        windowStart,
        ...performance,
        ratedEnergyMWh,
        judged,
        underperforming: judged && performance.performanceRatio! < 1 - rule.threshold,
      };
    });
}
