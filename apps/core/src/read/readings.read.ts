import type { Queryable } from '../db/pool.js';
import { SqlFilter, toPage, type Page, type TimeRange } from './sql-filter.js';

/** One reading's power and wind speed as the charts need them. */
export interface PowerPoint {
  ts: Date;
  power: number;
  /** True when power_output was interpolated by the cleaner rather than read from the file. */
  powerImputed: boolean;
  /** m/s; null when the export had none and it could not be imputed. */
  windSpeed: number | null;
  windSpeedImputed: boolean;
}

export interface PowerPointQuery extends TimeRange {
  turbineId: number;
  /** The page starts strictly after this reading time. */
  after?: Date | undefined;
  limit: number;
}

/**
 * A turbine's readings over `[from, to)` in time order, paged by time (unique per turbine, so a
 * stable keyset). Served by the (turbine_id, ts) unique index: a page costs its own rows only.
 */
export async function listPowerPoints(db: Queryable, q: PowerPointQuery): Promise<Page<PowerPoint>> {
  const filter = new SqlFilter().add('turbine_id = $?', q.turbineId);
  if (q.from) filter.add('ts >= $?', q.from);
  if (q.to) filter.add('ts < $?', q.to);
  if (q.after) filter.add('ts > $?', q.after);
  const limit = filter.param(q.limit + 1);
  const { rows } = await db.query<{
    ts: Date;
    power_output: number;
    power_imputed: boolean;
    wind_speed: number | null;
    wind_speed_imputed: boolean;
  }>(
    `SELECT ts, power_output, power_imputed, wind_speed, wind_speed_imputed FROM reading ${filter.where} ORDER BY ts LIMIT ${limit}`,
    filter.values,
  );
  return toPage(
    rows.map((r) => ({
      ts: r.ts,
      power: r.power_output,
      powerImputed: r.power_imputed,
      windSpeed: r.wind_speed,
      windSpeedImputed: r.wind_speed_imputed,
    })),
    q.limit,
  );
}
