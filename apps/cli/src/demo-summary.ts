import type { Pool } from 'pg';

export interface DemoSummary {
  files: Record<string, number>;
  rows: { total: number; loaded: number; imputed: number; duplicate: number; rejected: number };
  rejectionsByReason: Record<string, number>;
  turbines: number;
  windows: number;
  anomalies: { reading: number; turbine: number };
  topTurbineAnomalies: Array<{ turbineId: number; day: string; mean: number; fleetMean: number }>;
}

/** What the demo prints once its data is in: read back from the tables, as a user would. */
export async function readDemoSummary(pool: Pool, windowSeconds: number): Promise<DemoSummary> {
  const q = async <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) => (await pool.query<T>(sql, params)).rows;
  const files = Object.fromEntries(
    (await q<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM ingested_file GROUP BY 1`)).map((r) => [r.status, r.n]),
  );
  const [rows] = await q<DemoSummary['rows']>(
    `SELECT coalesce(sum(rows_total),0)::int AS total, coalesce(sum(rows_loaded),0)::int AS loaded, coalesce(sum(rows_imputed),0)::int AS imputed,
            coalesce(sum(rows_duplicate),0)::int AS duplicate, coalesce(sum(rows_rejected),0)::int AS rejected FROM ingested_file`,
  );
  const reasons = Object.fromEntries(
    (await q<{ reason: string; n: number }>(`SELECT reason, count(*)::int AS n FROM rejected_row GROUP BY 1 ORDER BY 1`)).map((r) => [
      r.reason,
      r.n,
    ]),
  );
  const [counts] = await q<{ turbines: number; windows: number; reading: number; turbine: number }>(
    `SELECT (SELECT count(*)::int FROM turbine) AS turbines,
            (SELECT count(*)::int FROM window_stat WHERE window_seconds = $1) AS windows,
            (SELECT count(*)::int FROM anomaly WHERE kind = 'reading' AND window_seconds = $1) AS reading,
            (SELECT count(*)::int FROM anomaly WHERE kind = 'turbine' AND window_seconds = $1) AS turbine`,
    [windowSeconds],
  );
  const top = await q<{ turbine_id: number; window_start: Date; value: number; mean: number }>(
    `SELECT turbine_id, window_start, value, mean FROM anomaly WHERE kind = 'turbine' AND window_seconds = $1
      ORDER BY abs(deviation) DESC LIMIT 5`,
    [windowSeconds],
  );
  return {
    files,
    rows: rows!,
    rejectionsByReason: reasons,
    turbines: counts!.turbines,
    windows: counts!.windows,
    anomalies: { reading: counts!.reading, turbine: counts!.turbine },
    topTurbineAnomalies: top.map((r) => ({
      turbineId: r.turbine_id,
      day: r.window_start.toISOString().slice(0, 10),
      mean: r.value,
      fleetMean: r.mean,
    })),
  };
}

export function formatDemoSummary(
  s: DemoSummary,
  urls: { api: string; board: string; user: string; password: string; token: string },
): string {
  const fixed = (n: number) => n.toFixed(3);
  const lines = [
    '',
    '=== Windmill demo: first statistics are in ===',
    `files     ${Object.entries(s.files)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}`,
    `lines     ${s.rows.total} read: ${s.rows.loaded} loaded (${s.rows.imputed} with imputed values), ${s.rows.duplicate} duplicate, ${s.rows.rejected} rejected`,
    `rejected  ${
      Object.entries(s.rejectionsByReason)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none'
    }`,
    `turbines  ${s.turbines}, daily windows ${s.windows}`,
    `anomalies ${s.anomalies.reading} readings outside mean ± k·σ of their turbine-day, ${s.anomalies.turbine} turbine-days outside the fleet's band`,
    ...s.topTurbineAnomalies.map(
      (a) => `          turbine ${a.turbineId} on ${a.day}: mean ${fixed(a.mean)} vs fleet ${fixed(a.fleetMean)}`,
    ),
    '',
    `API        ${urls.api}            (try: curl ${urls.api}/turbines/1/stats)`,
    `API docs   ${urls.api}/docs`,
    `Bull Board ${urls.board}   user ${urls.user}  password ${urls.password}`,
    `API token  ${urls.token}   (actions: curl -X POST -H 'Authorization: Bearer ${urls.token}' ${urls.api}/stats/run)`,
    '',
    'Drop more CSV files into the inbox to see them loaded. Ctrl-C stops the demo.',
    '',
  ];
  return lines.join('\n');
}
