import type { PoolClient } from '../db/pool.js';
import { PERFORMANCE_AGGREGATES } from './window-performance.repository.js';

/**
 * `underperformance` anomalies: turbine-windows judged by the power-curve rule (window_stat
 * `performance_judged`, see domain/window-performance.ts `isJudged`) whose performance ratio is
 * strictly below 1 − threshold. Each row holds value = the ratio, mean = 1 (what the curve
 * expects), deviation = ratio − 1, the window's lost energy and the threshold; stddev and sigma
 * are NULL (they belong to the σ rules).
 *
 * A run replaces the anomalies of the windows it assessed: its scope and, in an incremental run,
 * the windows whose reference curve it changed (`stats_pc_agg`). Runs after the window statistics
 * are written and updated.
 */

/** Removes the underperformance anomalies of the windows the run assesses. $1 window seconds. */
export async function deleteUnderperformance(client: PoolClient, windowSeconds: number, full: boolean): Promise<void> {
  const scopes = full ? ['stats_scope'] : ['stats_scope', PERFORMANCE_AGGREGATES];
  for (const scope of scopes) {
    await client.query(
      `DELETE FROM anomaly a
        USING ${scope} s
        WHERE a.kind = 'underperformance' AND a.window_seconds = $1::int
          AND a.window_start = s.window_start AND a.turbine_id = s.turbine_id`,
      [windowSeconds],
    );
  }
}

export interface UnderperformanceParams {
  windowSeconds: number;
  threshold: number;
  runId: number;
  full: boolean;
}

/** Stores the run's underperformance anomalies; returns how many. */
export async function writeUnderperformance(client: PoolClient, params: UnderperformanceParams): Promise<number> {
  // A full run wrote every window it assessed itself; an incremental one also updated others.
  const windows = params.full
    ? `window_stat w WHERE w.window_seconds = $1::int AND w.run_id = $3::int AND`
    : `${PERFORMANCE_AGGREGATES} p
       JOIN window_stat w ON w.window_seconds = $1::int AND w.turbine_id = p.turbine_id AND w.window_start = p.window_start
      WHERE`;
  const result = await client.query(
    `INSERT INTO anomaly (kind, turbine_id, window_start, window_seconds, ts, value, mean, stddev, deviation, sigma,
                          threshold, lost_energy_mwh, run_id)
     SELECT 'underperformance', w.turbine_id, w.window_start, $1::int, NULL, w.performance_ratio, 1, NULL,
            w.performance_ratio - 1, NULL, $2::float8, w.lost_energy_mwh, $3::int
       FROM ${windows} w.performance_judged AND w.performance_ratio < 1 - $2::float8
      ORDER BY w.window_start, w.turbine_id`,
    [params.windowSeconds, params.threshold, params.runId],
  );
  return result.rowCount ?? 0;
}
