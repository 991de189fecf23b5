import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseConfig } from '@windmill/core/config/config';
import { createPool, type Pool } from '@windmill/core/db/pool';
import { runIngest, type IngestSummary } from '@windmill/core/ingest/batch-ingest';
import { formatSummary } from '@windmill/cli/ingest-summary';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { CHALLENGE_DIR } from '../helpers/paths.js';
import { anomalyKey, referenceAnomalies, type RefReading } from '../helpers/reference-stats.js';
import { memoryLogger } from '../helpers/silent-logger.js';

/** The three public challenge files, read here with a plain split: they are clean and unquoted. */
async function readChallenge(): Promise<RefReading[]> {
  const readings: RefReading[] = [];
  for (const name of ['data_group_1.csv', 'data_group_2.csv', 'data_group_3.csv']) {
    const lines = (await readFile(path.join(CHALLENGE_DIR, name), 'utf8')).trim().split('\n').slice(1);
    for (const line of lines) {
      const [ts, turbine, , , power] = line.split(',');
      readings.push({ turbineId: Number(turbine), ts: Date.parse(`${ts!.replace(' ', 'T')}Z`), power: Number(power) });
    }
  }
  return readings;
}

describe('npm run ingest on the challenge data', () => {
  let db: TestDatabase;
  let pool: Pool;
  let summary: IngestSummary;
  const { logger } = memoryLogger();

  beforeAll(async () => {
    db = await createTestDatabase('challenge');
    pool = createPool(db.url);
    const config = parseConfig({ DATABASE_URL: db.url }, process.cwd());
    summary = await runIngest({ pool, logger, config }, [CHALLENGE_DIR], process.cwd());
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it('loads the 3 files completely and reports them in path order', async () => {
    expect(summary.files.map((f) => [path.basename(f.path), f.outcome.status])).toEqual([
      ['data_group_1.csv', 'done'],
      ['data_group_2.csv', 'done'],
      ['data_group_3.csv', 'done'],
    ]);
    const { rows } = await pool.query(
      `SELECT status, rows_total, rows_loaded, rows_imputed, rows_duplicate, rows_rejected FROM ingested_file ORDER BY path`,
    );
    expect(rows).toEqual(
      Array(3).fill({ status: 'done', rows_total: 3720, rows_loaded: 3720, rows_imputed: 0, rows_duplicate: 0, rows_rejected: 0 }),
    );
    const count = await pool.query(`SELECT count(*)::int AS n, count(DISTINCT turbine_id)::int AS turbines FROM reading`);
    expect(count.rows[0]).toEqual({ n: 11160, turbines: 15 });
  });

  it('stores 465 daily windows; turbine 1 on 2022-03-01 has min 1.6, max 4.4, mean 2.975', async () => {
    const all = await pool.query(`SELECT count(*)::int AS n FROM window_stat WHERE window_seconds = 86400`);
    expect(all.rows[0].n).toBe(465);
    const { rows } = await pool.query(
      `SELECT count, min, max, mean, expected_count, imputed_count FROM window_stat
        WHERE turbine_id = 1 AND window_start = '2022-03-01T00:00:00Z' AND window_seconds = 86400`,
    );
    expect(rows[0]).toEqual({ count: 24, min: 1.6, max: 4.4, mean: 2.975, expected_count: 24, imputed_count: 0 });
  });

  it('flags exactly the anomalies a first-principles calculation finds', async () => {
    const expected = referenceAnomalies(await readChallenge(), 86_400, 2);
    // The σ rules; the power curve's underperformance kind is checked in test/power-curve.
    const { rows } = await pool.query(
      `SELECT kind, turbine_id, window_start, ts, value FROM anomaly WHERE window_seconds = 86400 AND kind IN ('reading', 'turbine')`,
    );
    const stored = rows.map((r) =>
      anomalyKey({ kind: r.kind, turbineId: r.turbine_id, windowStart: r.window_start.getTime(), ts: r.ts?.getTime() ?? null }),
    );
    expect(stored.sort()).toEqual(expected.map(anomalyKey).sort());
    // Both rules fire on this data, so the comparison above is not vacuous.
    expect(expected.filter((a) => a.kind === 'reading').length).toBeGreaterThan(0);
    expect(expected.filter((a) => a.kind === 'turbine').length).toBeGreaterThan(0);
    const underperformance = await pool.query(`SELECT count(*)::int AS n FROM anomaly WHERE kind = 'underperformance'`);
    expect(summary.anomalies).toEqual({
      reading: expected.filter((a) => a.kind === 'reading').length,
      turbine: expected.filter((a) => a.kind === 'turbine').length,
      underperformance: underperformance.rows[0].n,
    });
  });

  it('prints a summary table with each file and the totals', () => {
    const text = formatSummary(summary, CHALLENGE_DIR);
    expect(text).toMatch(/data_group_1\.csv\s+done\s+3720\s+3720\s+0\s+0\s+0/);
    expect(text).toContain('files: 3 (0 failed)');
    expect(text).toContain('lines: 11160 read: 11160 loaded (0 with imputed values), 0 duplicate, 0 rejected');
    const { reading, turbine, underperformance } = summary.anomalies!;
    expect(text).toContain(`anomalies found by this run: reading ${reading}, turbine ${turbine}, underperformance ${underperformance}`);
  });

  it('loading the same files again adds nothing: each is a duplicate', async () => {
    const config = parseConfig({ DATABASE_URL: db.url }, process.cwd());
    const again = await runIngest({ pool, logger, config }, [CHALLENGE_DIR], process.cwd());
    expect(again.files.map((f) => f.outcome.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    const count = await pool.query(`SELECT count(*)::int AS n FROM reading`);
    expect(count.rows[0].n).toBe(11160);
    expect(again.stats.status === 'done' && again.stats.windowsComputed).toBe(0);
    // The summary is this run's: nothing computed, nothing found, whatever the database holds.
    expect(again.anomalies).toEqual({ reading: 0, turbine: 0, underperformance: 0 });
  });
});
