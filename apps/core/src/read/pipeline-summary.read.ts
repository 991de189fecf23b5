import type { Queryable } from '../db/pool.js';

/**
 * Where the ledger and the stats runs stood at a moment: the last ingested_file id and the last
 * stats_run id. A summary since a mark describes only what came after it.
 */
export type PipelineMark = {
  fileId: number;
  statsRunId: number;
};

/** Everything: the mark before the first file and the first run. */
export const BEGINNING: PipelineMark = Object.freeze({ fileId: 0, statsRunId: 0 });

/** The mark of now (see PipelineMark). */
export async function readPipelineMark(db: Queryable): Promise<PipelineMark> {
  const { rows } = await db.query<PipelineMark>(
    `SELECT (SELECT coalesce(max(id), 0) FROM ingested_file)::int AS "fileId", (SELECT coalesce(max(id), 0) FROM stats_run)::int AS "statsRunId"`,
  );
  return rows[0] ?? BEGINNING;
}

/** What a user checks once files are in: ledger, lines by outcome, rejections, windows and anomalies. */
export interface PipelineSummary {
  files: Record<string, number>;
  /** Files by the input profile they were read with; `null` stands for the canonical layout. */
  profiles: Array<{ profile: string | null; files: number }>;
  rows: { total: number; loaded: number; imputed: number; duplicate: number; rejected: number };
  rejectionsByReason: Record<string, number>;
  /** Turbines with a window computed. */
  turbines: number;
  windows: number;
  anomalies: { reading: number; turbine: number; underperformance: number };
  topTurbineAnomalies: Array<{ turbineId: number; turbineName: string; day: string; mean: number; fleetMean: number }>;
  /** The turbine-windows that lost the most energy against the power curve (flagged underperforming). */
  topUnderperformance: Array<{ turbineId: number; turbineName: string; day: string; ratio: number; lostEnergyMWh: number }>;
}

/**
 * Read back from the tables, as a user would (the demo prints it once its data is in): the files
 * queued after `since` and their lines, and the windows and anomalies of the stats runs after it
 * (the windows those runs computed: a database that held data before the mark keeps what it held
 * out of the summary).
 */
export async function readPipelineSummary(db: Queryable, windowSeconds: number, since: PipelineMark = BEGINNING): Promise<PipelineSummary> {
  const q = async <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.query<T>(sql, params)).rows;
  const afterFile = [since.fileId];
  const files = Object.fromEntries(
    (
      await q<{ status: string; n: number }>(
        `SELECT status, count(*)::int AS n FROM ingested_file WHERE id > $1 GROUP BY 1 ORDER BY 1`,
        afterFile,
      )
    ).map((r) => [r.status, r.n]),
  );
  const profiles = await q<{ profile: string | null; files: number }>(
    `SELECT profile, count(*)::int AS files FROM ingested_file WHERE id > $1 GROUP BY 1 ORDER BY (profile IS NULL), 1`,
    afterFile,
  );
  const [rows] = await q<PipelineSummary['rows']>(
    `SELECT coalesce(sum(rows_total),0)::int AS total, coalesce(sum(rows_loaded),0)::int AS loaded, coalesce(sum(rows_imputed),0)::int AS imputed,
            coalesce(sum(rows_duplicate),0)::int AS duplicate, coalesce(sum(rows_rejected),0)::int AS rejected FROM ingested_file WHERE id > $1`,
    afterFile,
  );
  const reasons = Object.fromEntries(
    (
      await q<{ reason: string; n: number }>(
        `SELECT reason, count(*)::int AS n FROM rejected_row WHERE file_id > $1 GROUP BY 1 ORDER BY 1`,
        afterFile,
      )
    ).map((r) => [r.reason, r.n]),
  );
  // Windows and anomalies carry the id of the run that wrote them; a window recomputed later carries the later run's.
  const afterRun = [windowSeconds, since.statsRunId];
  const [counts] = await q<{ turbines: number; windows: number; reading: number; turbine: number; underperformance: number }>(
    `SELECT (SELECT count(DISTINCT turbine_id)::int FROM window_stat WHERE window_seconds = $1 AND run_id > $2) AS turbines,
            (SELECT count(*)::int FROM window_stat WHERE window_seconds = $1 AND run_id > $2) AS windows,
            (SELECT count(*)::int FROM anomaly WHERE kind = 'reading' AND window_seconds = $1 AND run_id > $2) AS reading,
            (SELECT count(*)::int FROM anomaly WHERE kind = 'turbine' AND window_seconds = $1 AND run_id > $2) AS turbine,
            (SELECT count(*)::int FROM anomaly WHERE kind = 'underperformance' AND window_seconds = $1 AND run_id > $2) AS underperformance`,
    afterRun,
  );
  const under = await q<{ turbine_id: number; name: string; window_start: Date; value: number; lost_energy_mwh: number }>(
    `SELECT a.turbine_id, coalesce(t.name, a.turbine_id::text) AS name, a.window_start, a.value, a.lost_energy_mwh
       FROM anomaly a LEFT JOIN turbine t ON t.id = a.turbine_id
      WHERE a.kind = 'underperformance' AND a.window_seconds = $1 AND a.run_id > $2
      ORDER BY a.lost_energy_mwh DESC, a.window_start, a.turbine_id LIMIT 5`,
    afterRun,
  );
  const top = await q<{ turbine_id: number; name: string; window_start: Date; value: number; mean: number }>(
    `SELECT a.turbine_id, coalesce(t.name, a.turbine_id::text) AS name, a.window_start, a.value, a.mean
       FROM anomaly a LEFT JOIN turbine t ON t.id = a.turbine_id
      WHERE a.kind = 'turbine' AND a.window_seconds = $1 AND a.run_id > $2
      ORDER BY abs(a.deviation) DESC LIMIT 5`,
    afterRun,
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
