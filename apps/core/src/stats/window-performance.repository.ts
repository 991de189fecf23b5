import type { PoolClient } from '../db/pool.js';
import { windowEndSql } from './anomaly-rules.sql.js';
import { TOUCHED_DAYS } from './power-curve-day.repository.js';
import { daysSql, expectedPowerSql, isMeasuredSql, performanceSql, utcDaySql, windBinSql } from './power-curve.sql.js';

/**
 * Power-curve performance of turbine-windows (domain/window-performance.ts) for one stats run,
 * after the day tallies are up to date (power-curve-day.repository.ts):
 *
 * 1. which windows: a full run assesses every window with readings (its `stats_scope`); an
 *    incremental run its own windows plus every stored window whose reference period holds a
 *    re-tallied day (its reference day is 1..D days after that day), in `stats_pc_scope`.
 * 2. `stats_pc_curve`: for each reference day of those windows, the fleet curve (the sum of the
 *    D days of tallies before it) as a lookup by bin: for every bin k from the lowest to the
 *    highest usable one, the greatest usable bin u <= k and the usable bins before and after u,
 *    with their means, and the curve's rated power (highest usable mean).
 * 3. per window, the readings used, their power and their expected power (expectedPowerSql): a
 *    full run in its one parallel pass over every reading (in `stats_window_agg`), an incremental
 *    run by index range into `stats_pc_agg`.
 *
 * The tables live as long as the run's transaction; the full run's are unlogged (parallel plans
 * cannot scan temporary tables) and dropped before the commit.
 */

export const PERFORMANCE_SCOPE = 'stats_pc_scope';
export const PERFORMANCE_AGGREGATES = 'stats_pc_agg';
const CURVE = 'stats_pc_curve';

export interface CurveParams {
  binWidth: number;
  minBinCount: number;
  referenceDays: number;
  windowSeconds: number;
}

/**
 * An incremental run's windows to assess: its scope plus the stored windows of this length whose
 * reference day is 1..referenceDays days after a re-tallied day. Returns their number.
 */
export async function scopeAffectedWindows(client: PoolClient, windowSeconds: number, referenceDays: number): Promise<number> {
  await client.query(`CREATE TEMPORARY TABLE ${PERFORMANCE_SCOPE} (
      turbine_id   int         NOT NULL,
      window_start timestamptz NOT NULL,
      PRIMARY KEY (turbine_id, window_start)
    ) ON COMMIT DROP`);
  const result = await client.query(
    `INSERT INTO ${PERFORMANCE_SCOPE} (turbine_id, window_start)
     SELECT turbine_id, window_start FROM stats_scope
      UNION
     SELECT w.turbine_id, w.window_start
       FROM ${TOUCHED_DAYS} d
       JOIN window_stat w ON w.window_seconds = $1::int
                         AND w.window_start >= d.day + ${daysSql('1')}
                         AND w.window_start < d.day + ${daysSql('($2::int + 1)')}`,
    [windowSeconds, referenceDays],
  );
  await client.query(`ANALYZE ${PERFORMANCE_SCOPE}`);
  return result.rowCount ?? 0;
}

/**
 * Builds the reference-curve lookup `stats_pc_curve` for the reference days `refDaysSql` yields
 * (a query with one column, ref_day; it may bind $3 and later). A full run's is unlogged, so the
 * parallel pass over every reading can join it. Parameters: $1 reference days, $2 min bin count.
 */
export async function buildReferenceCurves(
  client: PoolClient,
  refDaysSql: string,
  params: CurveParams,
  full: boolean,
  refDaysParams: unknown[] = [],
): Promise<void> {
  await client.query(
    `CREATE ${full ? 'UNLOGGED' : 'TEMPORARY'} TABLE ${CURVE} ${full ? '' : 'ON COMMIT DROP'} AS
     WITH ref AS (
       ${refDaysSql}
     ), usable AS (
       SELECT ref.ref_day, t.bin, sum(t.sum) / sum(t.count) AS mean
         FROM ref
         JOIN power_curve_day t ON t.day >= ref.ref_day - ${daysSql('$1::int')} AND t.day < ref.ref_day
        GROUP BY ref.ref_day, t.bin
       HAVING sum(t.count) >= $2::int
     ), linked AS (
       SELECT ref_day, bin AS u, mean AS mean_u,
              lag(bin) OVER w AS prev_u, lag(mean) OVER w AS prev_mean,
              lead(bin) OVER w AS next_u, lead(mean) OVER w AS next_mean,
              max(mean) OVER (PARTITION BY ref_day) AS rated
         FROM usable
       WINDOW w AS (PARTITION BY ref_day ORDER BY bin)
     )
     SELECT ref_day, k AS bin, u, mean_u, prev_u, prev_mean, next_u, next_mean, rated
       FROM linked
      CROSS JOIN LATERAL generate_series(u, coalesce(next_u - 1, u)) AS k`,
    [params.referenceDays, params.minBinCount, ...refDaysParams],
  );
  // An incremental run joins it by nested loops (hash joins are off there): give them an index.
  if (!full) await client.query(`CREATE INDEX ON ${CURVE} (ref_day, bin)`);
  await client.query(`ANALYZE ${CURVE}`);
}

/** The reference days of the windows in a table with a window_start column. */
export function refDaysOfWindowsSql(windows: string): string {
  return `SELECT DISTINCT ${utcDaySql('window_start')} AS ref_day FROM ${windows}`;
}

/**
 * Every day from the start of the window holding `first` to `last` ($3, $4, $5 = window seconds):
 * the reference days of every window a full run finds readings in (a window longer than a day may
 * start before its first reading's day).
 */
export const REF_DAYS_OF_SPAN_SQL = `SELECT generate_series(date_bin($5::int * interval '1 second', $3::timestamptz, timestamptz 'epoch'),
                                          $4::timestamptz, interval '86400 seconds') AS ref_day`;

/** Per-window sums of a join of readings `r` (in window `window_start`) with the curve lookup `c`. */
function performanceAggregates(binWidth: string): string {
  return `count(c.bin)::int AS used,
          sum(r.power_output) FILTER (WHERE c.bin IS NOT NULL) AS used_power,
          sum(${expectedPowerSql('c', 'r.wind_speed', binWidth)}) AS expected_power,
          max(c.rated) AS rated`;
}

/**
 * The join of readings `r` (in the window starting at `windowStart`) with the curve lookup `c`: a
 * reading finds the row of its bin in its window's reference curve when it is measured (the bin is
 * NULL otherwise, so the hash join needs no extra filter).
 */
function curveJoin(windowStart: string, binWidth: string): string {
  return `LEFT JOIN ${CURVE} c ON c.ref_day = ${utcDaySql(windowStart)}
                             AND c.bin = CASE WHEN ${isMeasuredSql('r')} THEN ${windBinSql('r.wind_speed', binWidth)} END`;
}

/**
 * For the full run's one pass over every reading (window-aggregate.repository.ts): the curve join
 * and the performance sums, so readings are read once for both the statistics and the curve.
 */
export function fullPassPerformanceSql(windowStart: string, binWidth: string): { join: string; columns: string } {
  return { join: curveJoin(windowStart, binWidth), columns: performanceAggregates(binWidth) };
}

/**
 * An incremental run's performance sums: fills `stats_pc_agg` (turbine_id, window_start, used,
 * used_power, expected_power, rated) with a row for each window of `stats_pc_scope` that has
 * readings, read by index range. (A full run computes the same sums in its pass over every
 * reading, see fullPassPerformanceSql.) Returns the number of rows. $1 bin width, $2 window seconds.
 */
export async function aggregatePerformance(client: PoolClient, binWidth: number, windowSeconds: number): Promise<number> {
  const result = await client.query(
    `CREATE TEMPORARY TABLE ${PERFORMANCE_AGGREGATES} ON COMMIT DROP AS
     SELECT s.turbine_id, s.window_start, ${performanceAggregates('$1::float8')}
       FROM ${PERFORMANCE_SCOPE} s
      -- One index range scan of reading per window (see window-aggregate.repository.ts).
      CROSS JOIN LATERAL (
        SELECT x.wind_speed, x.power_output, x.wind_speed_imputed, x.power_imputed FROM reading x
         WHERE x.turbine_id = s.turbine_id AND x.ts >= s.window_start AND x.ts < ${windowEndSql('s.window_start', '$2::int')}
        OFFSET 0
      ) r
       ${curveJoin('s.window_start', '$1::float8')}
      GROUP BY s.turbine_id, s.window_start`,
    [binWidth, windowSeconds],
  );
  await client.query(`ANALYZE ${PERFORMANCE_AGGREGATES}`);
  return result.rowCount ?? 0;
}

export interface PerformanceWriteParams {
  windowSeconds: number;
  readingIntervalSeconds: number;
  minExpectedShare: number;
}

/**
 * The power-curve columns of window_stat for performance sums `p` (a row of `stats_pc_agg`, NULL
 * when the window used no reading): the LATERAL that computes them (named `perf`, see
 * performanceSql) and its columns in the order actual, expected, lost, ratio, judged, used.
 * Binds $1 window seconds, $2 reading interval seconds, $3 the guard's share.
 */
export function performanceColumnsSql(p: string): { lateral: string; columns: string } {
  return {
    lateral: `CROSS JOIN ${performanceSql({
      usedPower: `${p}.used_power`,
      expectedPower: `${p}.expected_power`,
      used: `coalesce(${p}.used, 0)`,
      ratedPower: `${p}.rated`,
      expectedCount: '($1::int / $2::int)',
      intervalSeconds: '$2::int',
      windowSeconds: '$1::int',
      minExpectedShare: '$3::float8',
    })} perf`,
    columns: `perf.actual, perf.expected, perf.lost, perf.ratio, perf.judged, coalesce(${p}.used, 0)`,
  };
}

/** The window_stat columns `performanceColumnsSql` fills, in its order. */
export const PERFORMANCE_COLUMNS =
  'actual_energy_mwh, expected_energy_mwh, lost_energy_mwh, performance_ratio, performance_judged, readings_used';

/**
 * Incremental runs: the new performance of stored windows outside the run's scope whose curve
 * changed (their other statistics stand). Windows without readings any more (retention) have no
 * row in `stats_pc_agg` and keep what they had. Returns the number of windows updated.
 */
export async function updateAffectedWindowStats(client: PoolClient, params: PerformanceWriteParams): Promise<number> {
  const { lateral, columns } = performanceColumnsSql('p');
  const result = await client.query(
    `UPDATE window_stat w
        SET (${PERFORMANCE_COLUMNS}) = (${columns})
       FROM ${PERFORMANCE_AGGREGATES} p
       ${lateral}
      WHERE w.window_seconds = $1::int AND w.turbine_id = p.turbine_id AND w.window_start = p.window_start
        AND NOT EXISTS (SELECT 1 FROM stats_scope s WHERE s.turbine_id = p.turbine_id AND s.window_start = p.window_start)`,
    [params.windowSeconds, params.readingIntervalSeconds, params.minExpectedShare],
  );
  return result.rowCount ?? 0;
}

/** Drops the run's unlogged tables before it commits (the temporary kind would go on commit anyway). */
export async function dropPerformanceTables(client: PoolClient): Promise<void> {
  await client.query(`DROP TABLE IF EXISTS ${CURVE}`);
  await client.query(`DROP TABLE IF EXISTS ${PERFORMANCE_AGGREGATES}`);
}
