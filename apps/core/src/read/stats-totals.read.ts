import type { Queryable } from '../db/pool.js';
import { ANOMALY_KINDS, type AnomalyKind } from '../domain/enums.js';

export interface StatsTotals {
  /** Stored window statistics of this window length. */
  windows: number;
  /** Stored anomalies of this window length, by kind. */
  anomalies: Record<AnomalyKind, number>;
}

/** What the statistics tables hold for one window length: the closing lines of `npm run ingest` and the demo. */
export async function readStatsTotals(db: Queryable, windowSeconds: number): Promise<StatsTotals> {
  const [windows, byKind] = await Promise.all([
    db.query<{ n: number }>('SELECT count(*)::int AS n FROM window_stat WHERE window_seconds = $1', [windowSeconds]),
    db.query<{ kind: AnomalyKind; n: number }>('SELECT kind, count(*)::int AS n FROM anomaly WHERE window_seconds = $1 GROUP BY kind', [
      windowSeconds,
    ]),
  ]);
  const anomalies = Object.fromEntries(ANOMALY_KINDS.map((k) => [k, 0])) as Record<AnomalyKind, number>;
  for (const row of byKind.rows) anomalies[row.kind] = row.n;
  return { windows: windows.rows[0]?.n ?? 0, anomalies };
}
