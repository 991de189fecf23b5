import type { Queryable } from '../db/pool.js';
import { SqlFilter, toPage, type Page, type TimeRange } from './sql-filter.js';

import type { AnomalyKind } from '../domain/enums.js';

export type { AnomalyKind };

export interface AnomalyRow {
  id: number;
  kind: AnomalyKind;
  turbineId: number;
  turbineName: string;
  windowStart: Date;
  windowSeconds: number;
  /** The reading's time for kind `reading`; null for the window kinds `turbine` and `underperformance`. */
  ts: Date | null;
  /** The reading's power, the turbine's window mean, or the performance ratio (underperformance). */
  value: number;
  /** The reference: the turbine-window mean, the fleet mean, or 1 (underperformance). */
  mean: number;
  /** Null for underperformance. */
  stddev: number | null;
  deviation: number;
  /** The k of mean ± k·stddev; null for underperformance. */
  sigma: number | null;
  /** UNDERPERFORMANCE_THRESHOLD of the run; null for the other kinds. */
  threshold: number | null;
  /** The window's lost energy, MWh; null for the other kinds. */
  lostEnergyMWh: number | null;
}

/** Where a page of anomalies ends; the next page starts strictly after it. */
export interface AnomalyKey {
  windowStart: Date;
  turbineId: number;
  id: number;
}

export interface AnomalyQuery extends TimeRange {
  windowSeconds: number;
  kind?: AnomalyKind | undefined;
  turbineId?: number | undefined;
  after?: AnomalyKey | undefined;
  limit: number;
}

/**
 * Anomalies of one window size ordered by (window_start, turbine_id, id): chronological by
 * window, then by turbine, and unique thanks to the id, so pages never skip or repeat a row.
 * from is inclusive, to exclusive, both on window_start (for both kinds, so a reading anomaly and
 * the turbine anomaly of the same window are always selected together). The page is chosen first
 * and only its rows are joined with their turbine's name.
 */
export async function listAnomalies(db: Queryable, q: AnomalyQuery): Promise<Page<AnomalyRow>> {
  const filter = new SqlFilter().add('window_seconds = $?', q.windowSeconds);
  if (q.kind) filter.add('kind = $?::anomaly_kind', q.kind);
  if (q.turbineId !== undefined) filter.add('turbine_id = $?', q.turbineId);
  if (q.from) filter.add('window_start >= $?', q.from);
  if (q.to) filter.add('window_start < $?', q.to);
  if (q.after) {
    filter.add('(window_start, turbine_id, id) > ($?, $?, $?)', q.after.windowStart, q.after.turbineId, q.after.id);
  }
  const limit = filter.param(q.limit + 1);
  const { rows } = await db.query<{
    id: number;
    kind: AnomalyKind;
    turbine_id: number;
    turbine_name: string;
    window_start: Date;
    window_seconds: number;
    ts: Date | null;
    value: number;
    mean: number;
    stddev: number | null;
    deviation: number;
    sigma: number | null;
    threshold: number | null;
    lost_energy_mwh: number | null;
  }>(
    `SELECT page.*, t.name AS turbine_name
       FROM (SELECT id, kind::text AS kind, turbine_id, window_start, window_seconds, ts, value, mean, stddev, deviation, sigma,
                    threshold, lost_energy_mwh
               FROM anomaly ${filter.where}
              ORDER BY window_start, turbine_id, id
              LIMIT ${limit}) page
       JOIN turbine t ON t.id = page.turbine_id
      ORDER BY page.window_start, page.turbine_id, page.id`,
    filter.values,
  );
  return toPage(
    rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      turbineId: r.turbine_id,
      turbineName: r.turbine_name,
      windowStart: r.window_start,
      windowSeconds: r.window_seconds,
      ts: r.ts,
      value: r.value,
      mean: r.mean,
      stddev: r.stddev,
      deviation: r.deviation,
      sigma: r.sigma,
      threshold: r.threshold,
      lostEnergyMWh: r.lost_energy_mwh,
    })),
    q.limit,
  );
}
