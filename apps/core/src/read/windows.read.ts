import type { Queryable } from '../db/pool.js';
import { asDecimalSql, fleetRuleAppliesSql } from '../stats/anomaly-rules.sql.js';
import { SqlFilter, toPage, type Page, type TimeRange } from './sql-filter.js';

/** One statistics window across the fleet: how many turbines had data and what was flagged. */
export interface WindowOverview {
  windowStart: Date;
  windowSeconds: number;
  /** Turbines with a window_stat row for this window. */
  turbineCount: number;
  /** Sum of the turbines' reading counts and of their expected counts (coverage = one over the other). */
  readingCount: number;
  expectedCount: number;
  turbineAnomalies: number;
  readingAnomalies: number;
  /** Turbine-windows flagged by the power-curve rule. */
  underperformanceAnomalies: number;
  /** Sums over the turbines: energy of all readings, and expected and lost energy against the fleet curve (MWh). */
  energyMWh: number;
  expectedEnergyMWh: number;
  lostEnergyMWh: number;
  /** The k of mean ± k·stddev of the stats run that computed the window; null if that run is gone. */
  sigma: number | null;
  /** The fleet rule's μ and sample σ over the turbines' window means (σ null for one turbine). */
  fleetMean: number;
  fleetStddev: number | null;
  /** Whether the fleet rule applies (at least 3 turbines and σ > 0), as the stats run decided it. */
  fleetRuleApplies: boolean;
}

export interface WindowOverviewQuery extends TimeRange {
  windowSeconds: number;
  /** The page starts strictly after this window start. */
  after?: Date | undefined;
  limit: number;
}

/**
 * The windows of one window size that have statistics, oldest first, each with its anomaly counts.
 * from is inclusive and to exclusive, both on window_start. The page of windows is chosen first
 * (through the (window_seconds, window_start) index), then anomalies are counted for those
 * windows only, so a page costs its own windows, not the history.
 */
export async function listWindowOverviews(db: Queryable, q: WindowOverviewQuery): Promise<Page<WindowOverview>> {
  const filter = new SqlFilter().add('window_seconds = $?', q.windowSeconds);
  if (q.from) filter.add('window_start >= $?', q.from);
  if (q.to) filter.add('window_start < $?', q.to);
  if (q.after) filter.add('window_start > $?', q.after);
  const limit = filter.param(q.limit + 1);
  const { rows } = await db.query<{
    window_start: Date;
    window_seconds: number;
    turbine_count: number;
    reading_count: string;
    expected_count: string;
    turbine_anomalies: number;
    reading_anomalies: number;
    underperformance_anomalies: number;
    energy_mwh: number;
    expected_energy_mwh: number;
    lost_energy_mwh: number;
    sigma: number | null;
    fleet_mean: number;
    fleet_stddev: number | null;
    fleet_rule_applies: boolean;
  }>(
    `WITH w AS (
       SELECT window_start, window_seconds, count(*)::int AS turbine_count, sum(count) AS reading_count,
              sum(expected_count) AS expected_count, max(run_id) AS run_id,
              avg(${asDecimalSql('mean')}) AS fleet_mean, stddev_samp(${asDecimalSql('mean')}) AS fleet_stddev,
              sum(energy_mwh) AS energy_mwh, sum(expected_energy_mwh) AS expected_energy_mwh, sum(lost_energy_mwh) AS lost_energy_mwh
         FROM window_stat ${filter.where}
        GROUP BY window_seconds, window_start
        ORDER BY window_start
        LIMIT ${limit}
     ), a AS (
       SELECT an.window_start,
              count(*) FILTER (WHERE an.kind = 'turbine')::int AS turbine_anomalies,
              count(*) FILTER (WHERE an.kind = 'reading')::int AS reading_anomalies,
              count(*) FILTER (WHERE an.kind = 'underperformance')::int AS underperformance_anomalies
         FROM anomaly an JOIN w ON w.window_start = an.window_start AND w.window_seconds = an.window_seconds
        GROUP BY an.window_start
     )
     SELECT w.window_start, w.window_seconds, w.turbine_count, w.reading_count, w.expected_count,
            coalesce(a.turbine_anomalies, 0) AS turbine_anomalies, coalesce(a.reading_anomalies, 0) AS reading_anomalies,
            coalesce(a.underperformance_anomalies, 0) AS underperformance_anomalies,
            w.energy_mwh, w.expected_energy_mwh, w.lost_energy_mwh,
            r.sigma, w.fleet_mean::float8 AS fleet_mean, w.fleet_stddev::float8 AS fleet_stddev,
            coalesce(${fleetRuleAppliesSql('w.turbine_count', 'w.fleet_stddev')}, false) AS fleet_rule_applies
       FROM w LEFT JOIN a USING (window_start) LEFT JOIN stats_run r ON r.id = w.run_id
      ORDER BY w.window_start`,
    filter.values,
  );
  return toPage(
    rows.map((r) => ({
      windowStart: r.window_start,
      windowSeconds: r.window_seconds,
      turbineCount: r.turbine_count,
      readingCount: Number(r.reading_count),
      expectedCount: Number(r.expected_count),
      turbineAnomalies: r.turbine_anomalies,
      readingAnomalies: r.reading_anomalies,
      underperformanceAnomalies: r.underperformance_anomalies,
      energyMWh: r.energy_mwh,
      expectedEnergyMWh: r.expected_energy_mwh,
      lostEnergyMWh: r.lost_energy_mwh,
      sigma: r.sigma,
      fleetMean: r.fleet_mean,
      fleetStddev: r.fleet_stddev,
      fleetRuleApplies: r.fleet_rule_applies,
    })),
    q.limit,
  );
}
