import type { Queryable } from '../db/pool.js';
import { SqlFilter, toPage, type Page, type TimeRange } from './sql-filter.js';

export interface WindowStatRow {
  turbineId: number;
  turbineName: string;
  windowStart: Date;
  windowSeconds: number;
  count: number;
  min: number;
  max: number;
  mean: number;
  stddev: number | null;
  imputedCount: number;
  expectedCount: number;
  computedAt: Date;
  /** Power-curve performance (see README "Power curve"): energy of all readings, MWh. */
  energyMWh: number;
  /** Energy of the readings used (wind and power measured, with an expected value), MWh. */
  actualEnergyMWh: number;
  expectedEnergyMWh: number;
  /** expected − actual; negative when the turbine beat the curve. */
  lostEnergyMWh: number;
  /** actual / expected; null when nothing was expected. */
  performanceRatio: number | null;
  readingsUsed: number;
  /** Whether the underperformance rule judged the window. */
  performanceJudged: boolean;
}

/** Where a page of window stats ends; the next page starts strictly after it. */
export interface WindowStatKey {
  windowStart: Date;
  turbineId: number;
}

export interface WindowStatQuery extends TimeRange {
  windowSeconds: number;
  turbineId?: number | undefined;
  /** Exactly this window start; combine with from/to only if you mean both. */
  windowStart?: Date | undefined;
  after?: WindowStatKey | undefined;
  limit: number;
}

/**
 * window_stat rows of one window size ordered by (window_start, turbine_id), which is unique for
 * a window size and so a stable keyset for pagination. from is inclusive, to exclusive, both on
 * window_start. The page is chosen first and only its rows are joined with their turbine's name.
 */
export async function listWindowStats(db: Queryable, q: WindowStatQuery): Promise<Page<WindowStatRow>> {
  const filter = new SqlFilter().add('window_seconds = $?', q.windowSeconds);
  if (q.turbineId !== undefined) filter.add('turbine_id = $?', q.turbineId);
  if (q.windowStart) filter.add('window_start = $?', q.windowStart);
  if (q.from) filter.add('window_start >= $?', q.from);
  if (q.to) filter.add('window_start < $?', q.to);
  if (q.after) filter.add('(window_start, turbine_id) > ($?, $?)', q.after.windowStart, q.after.turbineId);
  const limit = filter.param(q.limit + 1);
  const { rows } = await db.query<{
    turbine_id: number;
    turbine_name: string;
    window_start: Date;
    window_seconds: number;
    count: number;
    min: number;
    max: number;
    mean: number;
    stddev: number | null;
    imputed_count: number;
    expected_count: number;
    computed_at: Date;
    energy_mwh: number;
    actual_energy_mwh: number;
    expected_energy_mwh: number;
    lost_energy_mwh: number;
    performance_ratio: number | null;
    readings_used: number;
    performance_judged: boolean;
  }>(
    `SELECT page.*, t.name AS turbine_name
       FROM (SELECT turbine_id, window_start, window_seconds, count, min, max, mean, stddev,
                    imputed_count, expected_count, computed_at, energy_mwh, actual_energy_mwh, expected_energy_mwh,
                    lost_energy_mwh, performance_ratio, readings_used, performance_judged
               FROM window_stat ${filter.where}
              ORDER BY window_start, turbine_id
              LIMIT ${limit}) page
       JOIN turbine t ON t.id = page.turbine_id
      ORDER BY page.window_start, page.turbine_id`,
    filter.values,
  );
  return toPage(
    rows.map((r) => ({
      turbineId: r.turbine_id,
      turbineName: r.turbine_name,
      windowStart: r.window_start,
      windowSeconds: r.window_seconds,
      count: r.count,
      min: r.min,
      max: r.max,
      mean: r.mean,
      stddev: r.stddev,
      imputedCount: r.imputed_count,
      expectedCount: r.expected_count,
      computedAt: r.computed_at,
      energyMWh: r.energy_mwh,
      actualEnergyMWh: r.actual_energy_mwh,
      expectedEnergyMWh: r.expected_energy_mwh,
      lostEnergyMWh: r.lost_energy_mwh,
      performanceRatio: r.performance_ratio,
      readingsUsed: r.readings_used,
      performanceJudged: r.performance_judged,
    })),
    q.limit,
  );
}
