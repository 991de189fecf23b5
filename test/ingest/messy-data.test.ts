import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseConfig } from '@windmill/core/config/config';
import { createPool, type Pool } from '@windmill/core/db/pool';
import { statsOptionsFrom } from '@windmill/core/config/settings';
import { computeStats } from '@windmill/core/stats/compute-stats';
import { runIngest, type IngestSummary } from '@windmill/core/ingest/batch-ingest';
import { writeSampleData } from '@windmill/core/generator/write-sample-data';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { referenceCleanFile, type RefCleanReading } from '../helpers/reference-cleaner.js';
import { anomalyKey, referenceAnomalies, referenceWindows, type RefReading } from '../helpers/reference-stats.js';
import { memoryLogger } from '../helpers/silent-logger.js';

/**
 * A messy generated data set with every cleaning rule at work, loaded by `npm run ingest`'s code
 * and compared, number by number, with the naive reference implementation in test/helpers.
 */
describe('ingest of a messy generated data set', () => {
  let db: TestDatabase;
  let pool: Pool;
  let dir: string;
  let summary: IngestSummary;
  let dataFiles: string[];
  const { logger, lines } = memoryLogger();
  const close = (a: number | null, b: number | null) => (a === null || b === null ? a === b : Math.abs(a - b) < 1e-9);

  beforeAll(async () => {
    db = await createTestDatabase('messy');
    pool = createPool(db.url);
    dir = await mkdtemp(path.join(tmpdir(), 'windmill-messy-'));
    const data = await writeSampleData(path.join(dir, 'a-data'), {
      seed: 'messy-rules',
      turbines: 6,
      days: 6,
      by: 'day',
      missingRate: 0.06,
      outlierRate: 0.03,
      duplicateRate: 0.03,
      malformedRate: 0.03,
      gapRate: 0.01,
      outOfOrderRate: 0.01,
    });
    dataFiles = data.files;
    // A later file that re-sends two hours of turbine 1 with other values: it must win.
    await writeFile(
      path.join(dir, 'z-resend.csv'),
      'timestamp,turbine_id,wind_speed,wind_direction,power_output\n2022-03-01 00:00:00,1,5.0,90,9.5\n2022-03-01 01:00:00,1,6.0,100,9.7\n',
    );
    await writeFile(path.join(dir, 'b-empty.csv'), '');
    await writeFile(path.join(dir, 'b-binary.csv'), gzipSync(Buffer.from('timestamp,turbine_id,power_output\n'.repeat(50))));
    await writeFile(path.join(dir, 'b-no-power.csv'), 'timestamp,turbine_id,wind_speed\n2022-03-01 00:00:00,1,5.0\n');
    await writeFile(path.join(dir, 'b-header-only.csv'), 'timestamp,turbine_id,power_output\n');
    await copyFile(dataFiles[0]!, path.join(dir, 'c-copy-of-day-1.csv'));
    const config = parseConfig({ DATABASE_URL: db.url }, dir);
    summary = await runIngest({ pool, logger, config }, [dir], dir);
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  /** The expected state: each file cleaned on its own, later files replacing earlier readings. */
  async function expected() {
    const perFile = new Map<string, ReturnType<typeof referenceCleanFile>>();
    const readings = new Map<string, RefCleanReading>();
    for (const file of [...dataFiles, path.join(dir, 'z-resend.csv')]) {
      const result = referenceCleanFile(await readFile(file, 'utf8'));
      perFile.set(path.basename(file), result);
      for (const r of result.readings) readings.set(`${r.turbineId}|${r.ts}`, r);
    }
    return { perFile, readings: [...readings.values()] };
  }

  it('ends each file with the right status and reason', () => {
    const byName = Object.fromEntries(summary.files.map((f) => [path.basename(f.path), f.outcome]));
    expect(byName['b-empty.csv']).toMatchObject({ status: 'failed', error: expect.stringMatching(/empty/) });
    expect(byName['b-binary.csv']).toMatchObject({ status: 'failed', error: expect.stringMatching(/NUL byte|not valid UTF-8/) });
    expect(byName['b-no-power.csv']).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/missing required column power_output/),
    });
    expect(byName['b-header-only.csv']).toMatchObject({ status: 'done', totals: expect.objectContaining({ rowsTotal: 0, rowsLoaded: 0 }) });
    expect(byName['c-copy-of-day-1.csv']).toMatchObject({ status: 'duplicate' });
    for (const file of dataFiles) expect(byName[path.basename(file)]).toMatchObject({ status: 'done' });
    // Some generated files have lines out of time order: the loader had to sort them.
    expect(lines().some((l) => String(l.msg).includes('not in time order'))).toBe(true);
  });

  it('counts every line of every file exactly as the reference does', async () => {
    const { perFile } = await expected();
    const { rows } = await pool.query(
      `SELECT path, rows_total, rows_loaded, rows_imputed, rows_duplicate, rows_rejected FROM ingested_file WHERE status = 'done' AND rows_total > 0`,
    );
    expect(rows).toHaveLength(perFile.size);
    let rulesSeen = { imputed: 0, duplicate: 0, rejected: 0 };
    for (const row of rows) {
      const ref = perFile.get(path.basename(row.path))!;
      expect([path.basename(row.path), row.rows_total, row.rows_loaded, row.rows_imputed, row.rows_duplicate, row.rows_rejected]).toEqual([
        path.basename(row.path),
        ref.total,
        ref.loaded,
        ref.imputed,
        ref.duplicate,
        ref.rejected.length,
      ]);
      expect(row.rows_total).toBe(row.rows_loaded + row.rows_duplicate + row.rows_rejected);
      rulesSeen = {
        imputed: rulesSeen.imputed + ref.imputed,
        duplicate: rulesSeen.duplicate + ref.duplicate,
        rejected: rulesSeen.rejected + ref.rejected.length,
      };
    }
    // The data set really exercises the rules.
    expect(rulesSeen.imputed).toBeGreaterThan(10);
    expect(rulesSeen.duplicate).toBeGreaterThan(5);
    expect(rulesSeen.rejected).toBeGreaterThan(10);
  });

  it('stores every rejected line with its line number and reason, for all four reasons', async () => {
    const { perFile } = await expected();
    const { rows } = await pool.query(
      `SELECT f.path, r.line, r.reason::text AS reason, r.raw, r.detail FROM rejected_row r JOIN ingested_file f ON f.id = r.file_id ORDER BY f.path, r.line`,
    );
    const stored = rows.map((r) => `${path.basename(r.path)}:${r.line}:${r.reason}`);
    const wanted = [...perFile.entries()].flatMap(([name, ref]) => ref.rejected.map((x) => `${name}:${x.line}:${x.reason}`));
    expect(stored.sort()).toEqual(wanted.sort());
    expect(new Set(rows.map((r) => r.reason))).toEqual(new Set(['column_count', 'bad_timestamp', 'bad_turbine_id', 'missing_power']));
    for (const r of rows) {
      expect(r.raw.length).toBeGreaterThan(0);
      expect(r.detail.length).toBeGreaterThan(0);
    }
  });

  it('stores exactly the reference readings, imputed values and flags included', async () => {
    const { readings } = await expected();
    const { rows } = await pool.query(
      `SELECT turbine_id, ts, wind_speed, wind_direction, power_output, wind_speed_imputed, wind_direction_imputed, power_imputed FROM reading`,
    );
    expect(rows).toHaveLength(readings.length);
    const want = new Map(readings.map((r) => [`${r.turbineId}|${r.ts}`, r]));
    for (const row of rows) {
      const ref = want.get(`${row.turbine_id}|${row.ts.getTime()}`);
      expect(ref).toBeDefined();
      const ok =
        close(row.power_output, ref!.power) &&
        close(row.wind_speed, ref!.windSpeed) &&
        close(row.wind_direction, ref!.windDirection) &&
        row.power_imputed === ref!.imputed.power &&
        row.wind_speed_imputed === ref!.imputed.windSpeed &&
        row.wind_direction_imputed === ref!.imputed.windDirection;
      if (!ok)
        throw new Error(`reading ${row.turbine_id}@${row.ts.toISOString()} is ${JSON.stringify(row)}, expected ${JSON.stringify(ref)}`);
    }
    // The re-sent file replaced turbine 1's first two hours.
    const resent = rows.filter((r) => r.turbine_id === 1 && r.ts.getTime() < Date.UTC(2022, 2, 1, 2));
    expect(resent.map((r) => r.power_output).sort()).toEqual([9.5, 9.7]);
  });

  const refReadings = async (): Promise<RefReading[]> =>
    (await expected()).readings.map((r) => ({ turbineId: r.turbineId, ts: r.ts, power: r.power, powerImputed: r.imputed.power }));

  async function checkStats(windowSeconds: number, sigma: number) {
    const readings = await refReadings();
    const windows = referenceWindows(readings, windowSeconds);
    const { rows } = await pool.query(
      `SELECT turbine_id, window_start, count, min, max, mean, stddev, imputed_count, expected_count FROM window_stat WHERE window_seconds = $1`,
      [windowSeconds],
    );
    expect(rows).toHaveLength(windows.length);
    const byKey = new Map(rows.map((r) => [`${r.turbine_id}|${r.window_start.getTime()}`, r]));
    for (const w of windows) {
      const row = byKey.get(`${w.turbineId}|${w.windowStart}`);
      expect(row).toBeDefined();
      expect([row.count, row.imputed_count, row.expected_count]).toEqual([w.count, w.imputedCount, windowSeconds / 3600]);
      expect(close(row.min, w.min) && close(row.max, w.max) && close(row.mean, w.mean) && close(row.stddev, w.stddev)).toBe(true);
    }
    const anomalies = referenceAnomalies(readings, windowSeconds, sigma);
    // The σ rules' anomalies (the power curve's are checked in test/power-curve).
    const stored = await pool.query(
      `SELECT kind, turbine_id, window_start, ts, value FROM anomaly WHERE window_seconds = $1 AND kind IN ('reading', 'turbine')`,
      [windowSeconds],
    );
    expect(
      stored.rows
        .map((r) =>
          anomalyKey({ kind: r.kind, turbineId: r.turbine_id, windowStart: r.window_start.getTime(), ts: r.ts?.getTime() ?? null }),
        )
        .sort(),
    ).toEqual(anomalies.map(anomalyKey).sort());
    return { windows: windows.length, anomalies };
  }

  it('computes daily window statistics and both anomaly kinds as the reference does', async () => {
    const { anomalies } = await checkStats(86_400, 2);
    expect(anomalies.some((a) => a.kind === 'reading')).toBe(true);
  });

  it('6-hour windows and k = 1.5 really change the results, and still match the reference', async () => {
    const config = parseConfig({ DATABASE_URL: db.url, WINDOW_SECONDS: '21600', ANOMALY_SIGMA: '1.5' }, dir);
    const outcome = await computeStats(pool, { ...statsOptionsFrom(config, 'cli'), logger });
    expect(outcome).toMatchObject({ status: 'done', full: true });
    const daily = await checkStats(86_400, 2);
    const sixHourly = await checkStats(21_600, 1.5);
    expect(sixHourly.windows).toBeGreaterThan(daily.windows * 3);
    expect(sixHourly.anomalies.length).not.toBe(daily.anomalies.length);
    expect(sixHourly.anomalies.some((a) => a.kind === 'turbine')).toBe(true);
  });
});
