import type { Pool } from '@windmill/core/db/pool';
import { seedReadings } from '../helpers/readings.js';

/**
 * A small, fully known data set: 3 turbines, 3 files, readings, window stats (for 86400 s and,
 * to check the filter, for 3600 s), anomalies and rejected lines.
 */
export async function seed(pool: Pool): Promise<void> {
  await pool.query(`
    INSERT INTO ingested_file (id, path, sha256, size_bytes, status, rows_total, rows_loaded, rows_imputed,
                               rows_duplicate, rows_rejected, error, final_path, attempts, queued_at, started_at, finished_at)
    VALUES
      (1, '/data/inbox/a.csv', repeat('a', 64), 1234, 'done', 6, 3, 1, 1, 2, NULL, '/data/processed/a.csv', 1,
          '2022-03-05T10:00:00Z', '2022-03-05T10:00:01Z', '2022-03-05T10:00:02Z'),
      (2, '/data/inbox/broken.csv', repeat('b', 64), 0, 'failed', 0, 0, 0, 0, 0, 'empty file (0 bytes)', '/data/failed/broken.csv', 1,
          '2022-03-05T11:00:00Z', '2022-03-05T11:00:01Z', '2022-03-05T11:00:01Z'),
      (3, '/data/inbox/b.csv', repeat('c', 64), 9007199254740000, 'done', 2, 2, 0, 0, 0, NULL, NULL, 1,
          '2022-03-05T12:00:00Z', '2022-03-05T12:00:01Z', '2022-03-05T12:00:02Z');
    SELECT setval('ingested_file_id_seq', 3);

    -- Numbered turbines, named by their number as the loader names them.
    INSERT INTO turbine (id, name) VALUES (1, '1'), (2, '2'), (3, '3');`);

  // Readings as the loader leaves them (counted), with no pending notes: their statistics are below.
  await seedReadings(
    pool,
    [
      { turbineId: 1, ts: '2022-03-01T00:00:00Z', windSpeed: 5.0, windDirection: 180, power: 2.9 },
      { turbineId: 1, ts: '2022-03-01T01:00:00Z', windSpeed: 5.5, windDirection: 185, power: 3.05, powerImputed: true },
      { turbineId: 1, ts: '2022-03-02T00:00:00Z', windSpeed: 9.0, windDirection: 190, power: 10 },
    ],
    { fileId: 1, pending: false },
  );
  await seedReadings(
    pool,
    [
      { turbineId: 2, ts: '2022-03-01T00:00:00Z', windSpeed: 4.0, windDirection: 90, power: 1.5 },
      { turbineId: 2, ts: '2022-03-03T23:00:00Z', windSpeed: 4.0, windDirection: 90, power: 2.5 },
    ],
    { fileId: 3, pending: false },
  );

  await pool.query(`
    INSERT INTO rejected_row (file_id, line, raw, reason, detail) VALUES
      (1, 3, '2022-03-01 02:00:00,1,"x,y"', 'column_count', 'expected 5 fields, found 4'),
      (1, 6, 'not a date,1,2,3,4', 'bad_timestamp', 'cannot read "not a date" as a timestamp');

    INSERT INTO window_stat (turbine_id, window_start, window_seconds, count, min, max, mean, stddev,
                             imputed_count, expected_count, computed_at, run_id) VALUES
      (1, '2022-03-01T00:00:00Z', 86400, 2, 2.9, 3.05, 2.975, 0.106066017, 1, 24, '2022-03-06T00:00:00Z', 1),
      (1, '2022-03-02T00:00:00Z', 86400, 1, 10, 10, 10, NULL, 0, 24, '2022-03-06T00:00:00Z', 1),
      (2, '2022-03-01T00:00:00Z', 86400, 1, 1.5, 1.5, 1.5, NULL, 0, 24, '2022-03-06T00:00:00Z', 1),
      (2, '2022-03-03T00:00:00Z', 86400, 1, 2.5, 2.5, 2.5, NULL, 0, 24, '2022-03-06T00:00:00Z', 1),
      (1, '2022-03-01T00:00:00Z', 3600, 1, 2.9, 2.9, 2.9, NULL, 0, 1, '2022-03-06T00:00:00Z', 1);
    -- Power-curve performance of one window (the others keep the zeros of a window judged by no curve).
    UPDATE window_stat SET energy_mwh = 5.95, actual_energy_mwh = 2.9, expected_energy_mwh = 3.2, lost_energy_mwh = 0.3,
                           performance_ratio = 0.90625, readings_used = 1, performance_judged = false
     WHERE turbine_id = 1 AND window_start = '2022-03-01T00:00:00Z' AND window_seconds = 86400;

    INSERT INTO anomaly (id, kind, turbine_id, window_start, window_seconds, ts, value, mean, stddev, deviation, sigma, run_id) VALUES
      (10, 'turbine', 2, '2022-03-01T00:00:00Z', 86400, NULL, 1.5, 5, 1, -3.5, 2, 1),
      (11, 'reading', 1, '2022-03-01T00:00:00Z', 86400, '2022-03-01T01:00:00Z', 3.05, 2.975, 0.01, 0.075, 2, 1),
      (12, 'reading', 1, '2022-03-02T00:00:00Z', 86400, '2022-03-02T00:00:00Z', 10, 4, 2, 6, 2, 1),
      (13, 'turbine', 1, '2022-03-02T00:00:00Z', 86400, NULL, 10, 4, 2, 6, 2, 1),
      (14, 'reading', 1, '2022-03-01T00:00:00Z', 3600, '2022-03-01T00:00:00Z', 2.9, 1, 0.5, 1.9, 2, 1);
    SELECT setval('anomaly_id_seq', 14);
  `);
}
