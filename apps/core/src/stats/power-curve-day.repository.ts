import type { PoolClient } from '../db/pool.js';
import { daysSql, isMeasuredSql, utcDaySql, windBinSql } from './power-curve.sql.js';
import { withHashAggregation } from './window-aggregate.repository.js';

/**
 * The fleet's power-curve tallies in `power_curve_day`: per UTC day and wind-speed bin, the count,
 * sum and sum of squares of the power of measured readings (see domain/power-curve-bins.ts). A
 * reference period's curve is the sum of its days' rows, so a run adds 30 small rows per bin
 * instead of reading 30 days of readings.
 *
 * A run re-tallies the days its readings changed, from every turbine's readings of those days:
 * - full run: every day that has readings, in one parallel pass over `reading`. Days whose readings
 *   retention deleted keep their tallies (their readings cannot be read again), unless the bin
 *   width changed: then every old row is gone, because its bins mean something else.
 * - incremental run: the UTC days of the windows in `stats_scope`, one index range scan per
 *   (turbine, day). The touched days are left in `stats_pc_days` for the later statements.
 *
 * Statements bind the bin width or the window length as $1.
 */

const TALLY = 'stats_pc_tally';
export const TOUCHED_DAYS = 'stats_pc_days';

/** Days that have readings: how many, the first and the last (null when there are no readings). */
export interface TalliedDays {
  days: number;
  first: Date | null;
  last: Date | null;
}

/** A full run's tallies; returns the days that have readings (all re-tallied). */
export async function tallyAllDays(client: PoolClient, binWidth: number, binWidthChanged: boolean): Promise<TalliedDays> {
  // An unlogged table so the GROUP BY runs in parallel (see window-aggregate.repository.ts); a
  // NULL bin stands for a day's readings that are not measured, so every day with readings shows.
  await withHashAggregation(client, () =>
    client.query(
      `CREATE UNLOGGED TABLE ${TALLY} AS
     SELECT ${utcDaySql('r.ts')} AS day,
            CASE WHEN ${isMeasuredSql('r')} THEN ${windBinSql('r.wind_speed', '$1::float8')} END AS bin,
            count(*)::int AS n, sum(r.power_output) AS s, sum(r.power_output * r.power_output) AS ss
       FROM reading r
      GROUP BY 1, 2`,
      [binWidth],
    ),
  );
  if (binWidthChanged) await client.query('DELETE FROM power_curve_day');
  else await client.query(`DELETE FROM power_curve_day WHERE day IN (SELECT day FROM ${TALLY})`);
  await client.query(
    `INSERT INTO power_curve_day (day, bin, count, sum, sum_sq)
     SELECT day, bin, n, s, ss FROM ${TALLY} WHERE bin IS NOT NULL ORDER BY day, bin`,
  );
  const { rows } = await client.query<TalliedDays>(
    `SELECT count(DISTINCT day)::int AS days, min(day) AS first, max(day) AS last FROM ${TALLY}`,
  );
  await client.query(`DROP TABLE ${TALLY}`);
  return rows[0] ?? { days: 0, first: null, last: null };
}

/** Whether `power_curve_day` holds a row: a full run with no readings still deletes them when the bin width changed. */
export async function anyTallies(client: PoolClient): Promise<boolean> {
  const { rows } = await client.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM power_curve_day) AS any');
  return rows[0]?.any === true;
}

/**
 * An incremental run's tallies: the UTC days that the windows in `stats_scope` touch are kept in
 * `stats_pc_days` and re-tallied from all turbines' readings. Returns the number of days.
 */
export async function tallyScopeDays(client: PoolClient, binWidth: number, windowSeconds: number): Promise<number> {
  const days = await client.query(
    `CREATE TEMPORARY TABLE ${TOUCHED_DAYS} ON COMMIT DROP AS
     SELECT DISTINCT d.day
       FROM stats_scope s
      CROSS JOIN LATERAL generate_series(${utcDaySql('s.window_start')},
                                         s.window_start + $1::int * interval '1 second' - interval '1 millisecond',
                                         interval '86400 seconds') AS d(day)`,
    [windowSeconds],
  );
  await client.query(`ANALYZE ${TOUCHED_DAYS}`);
  await client.query(`DELETE FROM power_curve_day WHERE day IN (SELECT day FROM ${TOUCHED_DAYS})`);
  // Every turbine's readings of each day, one index range scan on reading (turbine_id, ts) each
  // (LATERAL, fenced by OFFSET 0 so it stays per turbine-day: a planner guessing few measured
  // readings would otherwise flatten it into one scan of the whole table).
  await client.query(
    `INSERT INTO power_curve_day (day, bin, count, sum, sum_sq)
     SELECT d.day, ${windBinSql('r.wind_speed', '$1::float8')} AS bin,
            count(*)::int, sum(r.power_output), sum(r.power_output * r.power_output)
       FROM ${TOUCHED_DAYS} d
      CROSS JOIN turbine t
      CROSS JOIN LATERAL (
        SELECT x.wind_speed, x.power_output FROM reading x
         WHERE x.turbine_id = t.id AND x.ts >= d.day AND x.ts < d.day + ${daysSql('1')} AND ${isMeasuredSql('x')}
        OFFSET 0
      ) r
      GROUP BY 1, 2
      ORDER BY 1, 2`,
    [binWidth],
  );
  return days.rowCount ?? 0;
}
