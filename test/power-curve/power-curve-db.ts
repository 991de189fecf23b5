import type { Pool } from '@windmill/core/db/pool';
import type { FleetReading, PerformanceSettings, TurbineWindowPerformance } from '@windmill/core/domain/fleet-performance';
import type { PowerCurveOptions } from '@windmill/core/stats/compute-stats';
import { seedReadings } from '../helpers/readings.js';

/**
 * Helpers for the stats job's power-curve tests: readings with wind speed written the way a loaded
 * file leaves them, and what the job stored, side by side with the pure core's answer.
 */

/**
 * Loads readings with wind speed as one committed file would (the kit's `seedReadings`): the
 * turbines named (`names` by id; a numbered turbine without one is named by its number), the
 * readings counted, and a stats_pending note per turbine for the stats job. Returns the file id.
 */
export function loadReadings(
  pool: Pool,
  readings: readonly FleetReading[],
  names: ReadonlyMap<number, string> = new Map(),
): Promise<number> {
  return seedReadings(pool, readings, { names });
}

export async function readReadings(pool: Pool): Promise<FleetReading[]> {
  const { rows } = await pool.query<{ t: number; ms: string; w: number | null; p: number; wi: boolean; pi: boolean }>(
    `SELECT turbine_id AS t, (extract(epoch FROM ts) * 1000)::bigint AS ms, wind_speed AS w, power_output AS p,
            wind_speed_imputed AS wi, power_imputed AS pi
       FROM reading ORDER BY turbine_id, ts`,
  );
  return rows.map((r) => ({ turbineId: r.t, ts: Number(r.ms), windSpeed: r.w, power: r.p, windSpeedImputed: r.wi, powerImputed: r.pi }));
}

/** One stored turbine-window with its power-curve columns and whether an underperformance anomaly names it. */
export interface StoredPerformance {
  turbineId: number;
  windowStart: number;
  readings: number;
  readingsUsed: number;
  energyMWh: number;
  usedEnergyMWh: number;
  expectedEnergyMWh: number;
  lostEnergyMWh: number;
  performanceRatio: number | null;
  judged: boolean;
  underperforming: boolean;
  runId: number;
}

export async function readStoredPerformance(pool: Pool, windowSeconds = 86_400): Promise<StoredPerformance[]> {
  const { rows } = await pool.query<{
    turbine_id: number;
    ms: string;
    count: number;
    readings_used: number;
    energy_mwh: number;
    actual_energy_mwh: number;
    expected_energy_mwh: number;
    lost_energy_mwh: number;
    performance_ratio: number | null;
    performance_judged: boolean;
    flagged: boolean;
    run_id: number;
  }>(
    `SELECT w.turbine_id, (extract(epoch FROM w.window_start) * 1000)::bigint AS ms, w.count, w.readings_used, w.energy_mwh,
            w.actual_energy_mwh, w.expected_energy_mwh, w.lost_energy_mwh, w.performance_ratio, w.performance_judged, w.run_id,
            EXISTS (SELECT 1 FROM anomaly a WHERE a.kind = 'underperformance' AND a.window_seconds = w.window_seconds
                       AND a.turbine_id = w.turbine_id AND a.window_start = w.window_start) AS flagged
       FROM window_stat w WHERE w.window_seconds = $1::int
      ORDER BY w.window_start, w.turbine_id`,
    [windowSeconds],
  );
  return rows.map((r) => ({
    turbineId: r.turbine_id,
    windowStart: Number(r.ms),
    readings: r.count,
    readingsUsed: r.readings_used,
    energyMWh: r.energy_mwh,
    usedEnergyMWh: r.actual_energy_mwh,
    expectedEnergyMWh: r.expected_energy_mwh,
    lostEnergyMWh: r.lost_energy_mwh,
    performanceRatio: r.performance_ratio,
    judged: r.performance_judged,
    underperforming: r.flagged,
    runId: r.run_id,
  }));
}

/** The pure core's settings for a run's options. */
export function coreSettings(curve: PowerCurveOptions, windowSeconds = 86_400, readingIntervalSeconds = 3600): PerformanceSettings {
  return {
    binWidth: curve.binWidth,
    minBinCount: curve.minBinCount,
    referenceDays: curve.referenceDays,
    underperformanceThreshold: curve.threshold,
    minExpectedShare: curve.minExpectedShare,
    windowSeconds,
    readingIntervalSeconds,
  };
}

const close = (a: number | null, b: number | null, tolerance = 1e-9) =>
  a === null || b === null ? a === b : Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(b));

/**
 * The stored windows that differ from the pure core's (same order: window start, then turbine).
 * Sums are taken in another order in SQL, so energies and ratios agree within 1e-9 (relative,
 * or absolute below 1); counts and verdicts exactly.
 */
export function mismatches(
  stored: StoredPerformance[],
  expected: TurbineWindowPerformance[],
): Array<{ stored?: StoredPerformance; expected?: TurbineWindowPerformance }> {
  const out: Array<{ stored?: StoredPerformance; expected?: TurbineWindowPerformance }> = [];
  const n = Math.max(stored.length, expected.length);
  for (let i = 0; i < n; i += 1) {
    const got = stored[i];
    const want = expected[i];
    const same =
      got !== undefined &&
      want !== undefined &&
      got.turbineId === want.turbineId &&
      got.windowStart === want.windowStart &&
      got.readings === want.readings &&
      got.readingsUsed === want.readingsUsed &&
      close(got.energyMWh, want.energyMWh) &&
      close(got.usedEnergyMWh, want.usedEnergyMWh) &&
      close(got.expectedEnergyMWh, want.expectedEnergyMWh) &&
      close(got.lostEnergyMWh, want.lostEnergyMWh) &&
      close(got.performanceRatio, want.performanceRatio) &&
      got.judged === want.judged &&
      got.underperforming === want.underperforming;
    if (!same) out.push({ stored: got, expected: want });
  }
  return out;
}
