import pg from 'pg';
import type { Pool } from '@windmill/core/db/pool';
import { countingInsertedRows } from '@windmill/core/ingest/reading-count.repository';

/** One reading to seed. Only turbine, instant and power are required; the rest default as the loader leaves them. */
export interface SeedReading {
  /** A numbered turbine's id (> 0), or a named turbine's (< 0, give its name in `names`). */
  turbineId: number;
  /** An instant: epoch milliseconds, or text Postgres reads as timestamptz ('2022-03-01T00:00:00Z'). */
  ts: number | string;
  power: number;
  windSpeed?: number | null;
  windDirection?: number | null;
  powerImputed?: boolean;
  windSpeedImputed?: boolean;
}

export interface SeedOptions {
  /** Turbine names by id; a turbine without one is named by its number, as the loader names it. */
  names?: ReadonlyMap<number, string>;
  /** Leave a stats_pending note per turbine for the stats job, as a load does (default true). */
  pending?: boolean;
  /** Write the readings under this existing ledger row instead of a new `done` one. */
  fileId?: number;
}

/**
 * Writes readings the way a committed file leaves them: a `done` ledger row (or `fileId`), the
 * turbines named, the readings upserted on (turbine_id, ts) replacing every column as the loader
 * does, the inserted ones counted (reading-count.repository.ts) and, unless `pending: false`, one
 * stats_pending note per turbine with the range loaded. On a pool it is one transaction; on a
 * client it runs inside the caller's (a test that keeps a load open). Returns the file id.
 */
export async function seedReadings(db: Pool | pg.ClientBase, readings: readonly SeedReading[], options: SeedOptions = {}): Promise<number> {
  if (!(db instanceof pg.Pool)) return writeReadings(db, readings, options);
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const fileId = await writeReadings(client, readings, options);
    await client.query('COMMIT');
    return fileId;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

async function writeReadings(db: pg.ClientBase, readings: readonly SeedReading[], options: SeedOptions): Promise<number> {
  const fileId =
    options.fileId ??
    (
      await db.query<{ id: number }>(
        `INSERT INTO ingested_file (path, status) VALUES ('/fixtures/' || gen_random_uuid() || '.csv', 'done') RETURNING id`,
      )
    ).rows[0]!.id;
  const col = <T>(f: (r: SeedReading) => T) => readings.map(f);
  // Instants go in as text: epoch milliseconds become ISO 8601, text is left for Postgres to read.
  const instants = col((r) => (typeof r.ts === 'number' ? new Date(r.ts).toISOString() : r.ts));
  const ids = [...new Set(col((r) => r.turbineId))];
  await db.query(`INSERT INTO turbine (id, name) SELECT * FROM unnest($1::int[], $2::text[]) ON CONFLICT (id) DO NOTHING`, [
    ids,
    ids.map((id) => options.names?.get(id) ?? String(id)),
  ]);
  await db.query(
    countingInsertedRows(
      `INSERT INTO reading (turbine_id, ts, wind_speed, wind_direction, power_output, wind_speed_imputed, power_imputed, file_id)
       SELECT t, ts, w, d, p, wi, pi, $8::int
         FROM unnest($1::int[], $2::timestamptz[], $3::float8[], $4::float8[], $5::float8[], $6::boolean[], $7::boolean[])
           AS u(t, ts, w, d, p, wi, pi)
       ON CONFLICT (turbine_id, ts) DO UPDATE
         SET wind_speed = excluded.wind_speed, wind_direction = excluded.wind_direction, power_output = excluded.power_output,
             wind_speed_imputed = excluded.wind_speed_imputed, power_imputed = excluded.power_imputed, file_id = excluded.file_id
       RETURNING turbine_id, xmax = 0 AS inserted`,
      '$8',
    ),
    [
      col((r) => r.turbineId),
      instants,
      col((r) => r.windSpeed ?? null),
      col((r) => r.windDirection ?? null),
      col((r) => r.power),
      col((r) => r.windSpeedImputed ?? false),
      col((r) => r.powerImputed ?? false),
      fileId,
    ],
  );
  if (options.pending ?? true) {
    await db.query(
      `INSERT INTO stats_pending (turbine_id, ts_min, ts_max, file_id)
       SELECT t, min(ts), max(ts), $3::int FROM unnest($1::int[], $2::timestamptz[]) AS u(t, ts) GROUP BY t`,
      [col((r) => r.turbineId), instants, fileId],
    );
  }
  return fileId;
}
