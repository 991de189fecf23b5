import type { Queryable } from '../db/pool.js';

/** What a user checks once files are in: ledger, lines by outcome, rejections, windows and anomalies. */
export interface PipelineSummary {
  files: Record<string, number>;
  /** Files by the input profile they were read with; `null` stands for the canonical layout. */
  profiles: Array<{ profile: string | null; files: number }>;
  rows: { total: number; loaded: number; imputed: number; duplicate: number; rejected: number };
  rejectionsByReason: Record<string, number>;
  turbines: number;
  windows: number;
  anomalies: { reading: number; turbine: number; underperformance: number };
  topTurbineAnomalies: Array<{ turbineId: number; turbineName: string; day: string; mean: number; fleetMean: number }>;
  /** The turbine-windows that lost the most energy against the power curve (flagged underperforming). */
  topUnderperformance: Array<{ turbineId: number; turbineName: string; day: string; ratio: number; lostEnergyMWh: number }>;
}

/** Read back from the tables, as a user would (the demo prints it once its data is in). */
export async function readPipelineSummary(db: Queryable, windowSeconds: number): Promise<PipelineSummary> {
  const q = async <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.query<T>(sql, params)).rows;
  const files = Object.fromEntries(
    (await q<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM ingested_file GROUP BY 1`)).map((r) => [r.status, r.n]),
  );
  const profiles = await q<{ profile: string | null; files: number }>(
    `SELECT profile, count(*)::int AS files FROM ingested_file GROUP BY 1 ORDER BY (profile IS NULL), 1`,
  );
  const [rows] = await q<PipelineSummary['rows']>(
    `SELECT coalesce(sum(rows_total),0)::int AS total, coalesce(sum(rows_loaded),0)::int AS loaded, coalesce(sum(rows_imputed),0)::int AS imputed,
            coalesce(sum(rows_duplicate),0)::int AS duplicate, coalesce(sum(rows_rejected),0)::int AS rejected FROM ingested_file`,
  );
  const reasons = Object.fromEntries(
    (await q<{ reason: string; n: number }>(`SELECT reason, count(*)::int AS n FROM rejected_row GROUP BY 1 ORDER BY 1`)).map((r) => [
      r.reason,
      r.n,
    ]),
  );
  const [counts] = await q<{ turbines: number; windows: number; reading: number; turbine: number; underperformance: number }>(
    `SELECT (SELECT count(*)::int FROM turbine) AS turbines,
            (SELECT count(*)::int FROM window_stat WHERE window_seconds = $1) AS windows,
            (SELECT count(*)::int FROM anomaly WHERE kind = 'reading' AND window_seconds = $1) AS reading,
            (SELECT count(*)::int FROM anomaly WHERE kind = 'turbine' AND window_seconds = $1) AS turbine,
            (SELECT count(*)::int FROM anomaly WHERE kind = 'underperformance' AND window_seconds = $1) AS underperformance`,
    [windowSeconds],
  );
  const under = await q<{ turbine_id: number; name: string; window_start: Date; value: number; lost_energy_mwh: number }>(
    `SELECT a.turbine_id, coalesce(t.name, a.turbine_id::text) AS name, a.window_start, a.value, a.lost_energy_mwh
       FROM anomaly a LEFT JOIN turbine t ON t.id = a.turbine_id
      WHERE a.kind = 'underperformance' AND a.window_seconds = $1
      ORDER BY a.lost_energy_mwh DESC, a.window_start, a.turbine_id LIMIT 5`,
    [windowSeconds],
  );
  const top = await q<{ turbine_id: number; name: string; window_start: Date; value: number; mean: number }>(
    `SELECT a.turbine_id, coalesce(t.name, a.turbine_id::text) AS name, a.window_start, a.value, a.mean
       FROM anomaly a LEFT JOIN turbine t ON t.id = a.turbine_id
      WHERE a.kind = 'turbine' AND a.window_seconds = $1
      ORDER BY abs(a.deviation) DESC LIMIT 5`,
    [windowSeconds],
  );
  return {
    files,
    profiles,
    rows: rows!,
    rejectionsByReason: reasons,
    turbines: counts!.turbines,
    windows: counts!.windows,
    anomalies: { reading: counts!.reading, turbine: counts!.turbine, underperformance: counts!.underperformance },
    topTurbineAnomalies: top.map((r) => ({
      turbineId: r.turbine_id,
      turbineName: r.name,
      day: r.window_start.toISOString().slice(0, 10),
      mean: r.value,
      fleetMean: r.mean,
    })),
    topUnderperformance: under.map((r) => ({
      turbineId: r.turbine_id,
      turbineName: r.name,
      day: r.window_start.toISOString().slice(0, 10),
      ratio: r.value,
      lostEnergyMWh: r.lost_energy_mwh,
    })),
  };
}
