import type { PoolClient } from '../db/pool.js';
import { IN_SCOPE_WINDOW_START_SQL } from './stats-scope.repository.js';

/**
 * Removes the anomalies a run is about to recompute: the `reading` anomalies of the scoped windows
 * and the `turbine` anomalies of every scoped window start (one turbine's new data can change the
 * fleet verdict on the others). Anomalies of windows outside the scope stay, in a full run too
 * (see deleteWindowStats). Two statements, so each can use the (window_seconds, window_start,
 * turbine_id) index.
 */
export async function deleteAnomalies(client: PoolClient, windowSeconds: number): Promise<void> {
  await client.query(
    `DELETE FROM anomaly a
      USING stats_scope s
      WHERE a.kind = 'reading' AND a.window_seconds = $1::int
        AND a.window_start = s.window_start AND a.turbine_id = s.turbine_id`,
    [windowSeconds],
  );
  await client.query(
    `DELETE FROM anomaly
      WHERE kind = 'turbine' AND window_seconds = $1::int
        AND window_start IN (SELECT window_start FROM stats_scope)`,
    [windowSeconds],
  );
}

/**
 * Stores `turbine` anomalies for the window starts in scope: over the stored window means of all
 * turbines with data at that start, μ and the sample σ; a turbine whose mean is strictly outside
 * μ ± k·σ is flagged, with deviation = mean - μ. Starts with fewer than 3 turbines or σ = 0 flag
 * nothing. Reads `window_stat`, so it must run after this run's window statistics are written.
 * Parameters: $1 window seconds, $2 k, $3 run id. Returns the number of anomalies stored.
 */
export async function writeTurbineAnomalies(
  client: PoolClient,
  params: { windowSeconds: number; sigma: number; runId: number },
): Promise<number> {
  const result = await client.query(
    `WITH fleet AS (
       SELECT window_start,
              count(*) AS turbines,
              avg(mean::numeric) AS mu,
              stddev_samp(mean::numeric) AS sd
         FROM window_stat
        WHERE window_seconds = $1::int AND ${IN_SCOPE_WINDOW_START_SQL}
        GROUP BY window_start
     )
     INSERT INTO anomaly (kind, turbine_id, window_start, window_seconds, ts, value, mean, stddev,
                          deviation, sigma, run_id)
     SELECT 'turbine', w.turbine_id, w.window_start, $1::int, NULL, w.mean, f.mu::float8, f.sd::float8,
            (w.mean::numeric - f.mu)::float8, $2::numeric::float8, $3::int
       FROM fleet f
       JOIN window_stat w ON w.window_seconds = $1::int AND w.window_start = f.window_start
      WHERE f.turbines >= 3 AND f.sd > 0
        AND (w.mean::numeric > f.mu + $2::numeric * f.sd
             OR w.mean::numeric < f.mu - $2::numeric * f.sd)`,
    [params.windowSeconds, params.sigma, params.runId],
  );
  return result.rowCount ?? 0;
}
