import { createPool, type Pool } from '@windmill/core/db/pool';

export interface SyntheticFleet {
  turbines: number;
  /** Hourly readings per turbine, from `start`. */
  hours: number;
  start: string;
}

/**
 * Fills `reading` with `turbines × hours` hourly readings generated inside Postgres: a daily cycle
 * plus noise, an occasional spike (reading anomalies), turbine 13 running low (fleet anomalies)
 * and 2 % imputed values. No pending notes are written: the caller runs a full stats run next.
 */
export async function generateReadings(pool: Pool, fleet: SyntheticFleet): Promise<number> {
  const file = await pool.query<{ id: number }>(
    `INSERT INTO ingested_file (path, status) VALUES ('/synthetic/fleet.csv', 'done') RETURNING id`,
  );
  await pool.query('INSERT INTO turbine (id) SELECT generate_series(1, $1::int) ON CONFLICT DO NOTHING', [fleet.turbines]);
  const result = await pool.query(
    `INSERT INTO reading (turbine_id, ts, power_output, power_imputed, file_id)
     SELECT t, $3::timestamptz + h * interval '1 hour',
            least(20, greatest(0, round((8 + 3 * sin(h * 0.2618) + 2 * random()
                                          + CASE WHEN random() < 0.005 THEN 8 ELSE 0 END
                                          - CASE WHEN t = 13 THEN 6 ELSE 0 END)::numeric, 3)))::float8,
            random() < 0.02,
            $4::int
       FROM generate_series(0, $2::int - 1) AS h, generate_series(1, $1::int) AS t`,
    [fleet.turbines, fleet.hours, fleet.start, file.rows[0]!.id],
  );
  // Counted as the loader counts what it inserts (reading-count.repository.ts).
  await pool.query(
    `INSERT INTO reading_count_delta (turbine_id, file_id, readings) SELECT t, $3::int, $2::int FROM generate_series(1, $1::int) AS t`,
    [fleet.turbines, fleet.hours, file.rows[0]!.id],
  );
  await pool.query('ANALYZE reading');
  return result.rowCount ?? 0;
}

/**
 * A one-connection pool whose session reports the plan of each statement it runs as a NOTICE
 * (auto_explain), with `settings` (planner settings) applied, and the array that collects the plans.
 * The session is prepared before the pool hands the connection out, so the first query runs on it.
 */
export function explainingPool(databaseUrl: string, settings = ''): { pool: Pool; plans: string[] } {
  const plans: string[] = [];
  const pool = createPool(databaseUrl, 1, async (client) => {
    client.on('notice', (notice) => {
      if (notice.message?.includes('plan:')) plans.push(notice.message + '\n' + (notice.detail ?? ''));
    });
    await client.query(`LOAD 'auto_explain'; SET auto_explain.log_min_duration = 0; SET auto_explain.log_level = 'notice'; ${settings}`);
  });
  return { pool, plans };
}
