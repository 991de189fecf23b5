import type { PoolClient } from '../db/pool.js';
import {
  asDecimalSql,
  clearlyOutsideSql,
  exactlyOutsideSql,
  fleetRuleAppliesSql,
  maybeOutsideSql,
  readingRuleAppliesSql,
  windowEndSql,
  windowStartSql,
} from './anomaly-rules.sql.js';
import { IN_SCOPE_WINDOW_START_SQL } from './stats-scope.repository.js';
import { WINDOW_AGGREGATES } from './window-aggregate.repository.js';

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
        AND ${IN_SCOPE_WINDOW_START_SQL}`,
    [windowSeconds],
  );
}

export interface AnomalyParams {
  windowSeconds: number;
  sigma: number;
  runId: number;
}

const CANDIDATES = 'stats_reading_candidates';

/**
 * Stores the `reading` anomalies of the run's windows: readings strictly outside their
 * turbine-window's mean ± k·σ, in windows where the reading rule applies (see
 * domain/anomaly-rules.ts). Three steps, all in the run's transaction:
 *
 * 1. candidates: every reading that may be outside its band in double precision. A full run joins
 *    all readings to the window aggregates in one parallel hash join; an incremental run reads its
 *    windows by index range.
 * 2. a candidate within a hair of a bound is decided again in exact decimal arithmetic, over its
 *    window's readings (a handful of windows at most), so 1.7 on 0.83 + 1.5·0.58 is not flagged.
 * 3. the survivors are stored with their window's mean and σ and deviation = value − mean.
 *
 * Parameters: $1 window seconds, $2 k. Returns the number of anomalies stored.
 */
export async function writeReadingAnomalies(client: PoolClient, params: AnomalyParams & { full: boolean }): Promise<number> {
  const band = { value: 'x.power_output', mean: 'b.mean', stddev: 'b.sd', k: '$2::float8' };
  // A full run: one parallel hash join of every reading to its window. An incremental run: one
  // index range scan per window (LATERAL; see window-aggregate.repository.ts for why), fenced by
  // OFFSET 0: a plain subquery is pulled up into a join, and at 100 M readings the planner then
  // chose a hash join over a scan of the whole table (26 s for one appended day instead of ms).
  const readings = params.full
    ? `JOIN reading x ON x.turbine_id = b.turbine_id AND ${windowStartSql('x.ts', '$1::int')} = b.window_start`
    : `CROSS JOIN LATERAL (SELECT r.ts, r.power_output FROM reading r
                            WHERE r.turbine_id = b.turbine_id AND r.ts >= b.window_start
                              AND r.ts < ${windowEndSql('b.window_start', '$1::int')}
                           OFFSET 0) x`;
  await client.query(
    `CREATE TEMPORARY TABLE ${CANDIDATES} ON COMMIT DROP AS
     SELECT b.turbine_id, b.window_start, x.ts, x.power_output AS value, b.mean, b.sd, NOT ${clearlyOutsideSql(band)} AS near_bound
       FROM ${WINDOW_AGGREGATES} b
       ${readings}
      WHERE ${readingRuleAppliesSql('b.n', 'b.sd')} AND ${maybeOutsideSql(band)}`,
    [params.windowSeconds, params.sigma],
  );

  const { rows } = await client.query<{ near: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${CANDIDATES} WHERE near_bound) AS near`);
  if (rows[0]?.near) {
    // LATERAL: one index range scan per window concerned, never a scan of the whole table.
    const exact = { value: 'c.value', mean: 'e.mean', stddev: 'e.sd', k: '$2::numeric' };
    await client.query(
      `WITH e AS (
         SELECT n.turbine_id, n.window_start, a.n, a.mean, a.sd
           FROM (SELECT DISTINCT turbine_id, window_start FROM ${CANDIDATES} WHERE near_bound) n
          CROSS JOIN LATERAL (
            SELECT count(*) AS n, avg(${asDecimalSql('r.power_output')}) AS mean, stddev_samp(${asDecimalSql('r.power_output')}) AS sd
              FROM reading r
             WHERE r.turbine_id = n.turbine_id AND r.ts >= n.window_start AND r.ts < ${windowEndSql('n.window_start', '$1::int')}
          ) a
       )
       DELETE FROM ${CANDIDATES} c USING e
        WHERE c.near_bound AND c.turbine_id = e.turbine_id AND c.window_start = e.window_start
          AND NOT (${readingRuleAppliesSql('e.n', 'e.sd')} AND ${exactlyOutsideSql(exact)})`,
      [params.windowSeconds, params.sigma],
    );
  }

  const result = await client.query(
    `INSERT INTO anomaly (kind, turbine_id, window_start, window_seconds, ts, value, mean, stddev, deviation, sigma, run_id)
     SELECT 'reading', c.turbine_id, c.window_start, $1::int, c.ts, c.value,
            ${asDecimalSql('c.mean')}::float8, ${asDecimalSql('c.sd')}::float8,
            (${asDecimalSql('c.value')} - ${asDecimalSql('c.mean')})::float8, $2::float8, $3::int
       FROM ${CANDIDATES} c`,
    [params.windowSeconds, params.sigma, params.runId],
  );
  await client.query(`DROP TABLE ${CANDIDATES}`);
  return result.rowCount ?? 0;
}

const FLEET = 'stats_fleet';

/**
 * Stores `turbine` anomalies for the window starts in scope: over the stored window means of all
 * turbines with data at that start, μ and the sample σ; a turbine whose mean is strictly outside
 * μ ± k·σ is flagged, with deviation = mean − μ, where the fleet rule applies (see
 * domain/anomaly-rules.ts). As for readings, the band is computed in double precision, and a
 * window start with a mean within a hair of its bound gets its band again in exact decimal
 * arithmetic, which then decides for all its turbines. Reads `window_stat`, so it must run after
 * this run's window statistics are written. Parameters: $1 window seconds, $2 k, $3 run id.
 * Returns the number of anomalies stored.
 */
export async function writeTurbineAnomalies(client: PoolClient, params: AnomalyParams): Promise<number> {
  await client.query(
    `CREATE TEMPORARY TABLE ${FLEET} ON COMMIT DROP AS
     SELECT window_start, count(*)::int AS turbines, avg(mean) AS mu, stddev_samp(mean) AS sd,
            NULL::numeric AS exact_mu, NULL::numeric AS exact_sd
       FROM window_stat
      WHERE window_seconds = $1::int AND ${IN_SCOPE_WINDOW_START_SQL}
      GROUP BY window_start`,
    [params.windowSeconds],
  );
  // Without statistics the planner takes the few window starts of an incremental run for thousands
  // and joins them to window_stat by a scan of the whole table (a few hundred ms at 10 M readings).
  await client.query(`ANALYZE ${FLEET}`);
  const band = { value: 'w.mean', mean: 'f.mu', stddev: 'f.sd', k: '$2::float8' };
  await client.query(
    `WITH near AS (
       SELECT DISTINCT f.window_start
         FROM ${FLEET} f
         JOIN window_stat w ON w.window_seconds = $1::int AND w.window_start = f.window_start
        WHERE ${fleetRuleAppliesSql('f.turbines', 'f.sd')} AND ${maybeOutsideSql(band)} AND NOT ${clearlyOutsideSql(band)}
     )
     UPDATE ${FLEET} f SET exact_mu = e.mu, exact_sd = e.sd
       FROM (SELECT w.window_start, avg(${asDecimalSql('w.mean')}) AS mu, stddev_samp(${asDecimalSql('w.mean')}) AS sd
               FROM window_stat w JOIN near n ON n.window_start = w.window_start
              WHERE w.window_seconds = $1::int
              GROUP BY w.window_start) e
      WHERE f.window_start = e.window_start`,
    [params.windowSeconds, params.sigma],
  );
  const exact = { value: 'w.mean', mean: 'f.exact_mu', stddev: 'f.exact_sd', k: '$2::numeric' };
  const mu = `coalesce(f.exact_mu, ${asDecimalSql('f.mu')})`;
  const result = await client.query(
    `INSERT INTO anomaly (kind, turbine_id, window_start, window_seconds, ts, value, mean, stddev, deviation, sigma, run_id)
     SELECT 'turbine', w.turbine_id, w.window_start, $1::int, NULL, w.mean, ${mu}::float8,
            coalesce(f.exact_sd, ${asDecimalSql('f.sd')})::float8, (${asDecimalSql('w.mean')} - ${mu})::float8, $2::float8, $3::int
       FROM ${FLEET} f
       JOIN window_stat w ON w.window_seconds = $1::int AND w.window_start = f.window_start
      WHERE CASE WHEN f.exact_mu IS NULL
                 THEN ${fleetRuleAppliesSql('f.turbines', 'f.sd')} AND ${clearlyOutsideSql(band)}
                 ELSE ${fleetRuleAppliesSql('f.turbines', 'f.exact_sd')} AND ${exactlyOutsideSql(exact)} END`,
    [params.windowSeconds, params.sigma, params.runId],
  );
  await client.query(`DROP TABLE ${FLEET}`);
  return result.rowCount ?? 0;
}
