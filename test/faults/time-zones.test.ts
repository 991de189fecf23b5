import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { runEntry } from '../helpers/child-process.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

/**
 * Naive timestamps read in SOURCE_TIMEZONE across both daylight-saving changes, by a process whose
 * own TZ is another zone, talking to Postgres with yet another session zone requested (PGTZ):
 * the stored instants are the same UTC instants whatever the zones around them.
 */
describe('time zones', () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase('tz');
    dir = await mkdtemp(path.join(tmpdir(), 'windmill-tz-'));
  });
  afterAll(async () => {
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores the same UTC instants whatever TZ, PGTZ and SOURCE_TIMEZONE are', async () => {
    const cases: Array<[string, string]> = [
      ['2022-03-27 00:00:00', '2022-03-26T23:00:00.000Z'], // CET, +01:00
      ['2022-03-27 01:00:00', '2022-03-27T00:00:00.000Z'],
      ['2022-03-27 02:30:00', '2022-03-27T01:30:00.000Z'], // skipped by the spring change: moved forward to 03:30 CEST
      ['2022-03-27 03:00:00', '2022-03-27T01:00:00.000Z'], // CEST, +02:00
      ['2022-10-30 02:30:00', '2022-10-30T00:30:00.000Z'], // repeated in autumn: the first (CEST) occurrence
      ['2022-10-30 03:00:00', '2022-10-30T02:00:00.000Z'], // CET again
      ['2022-06-01T12:00:00+05:30', '2022-06-01T06:30:00.000Z'], // an explicit offset ignores SOURCE_TIMEZONE
      ['2022-06-01T12:00:00.250Z', '2022-06-01T12:00:00.250Z'],
    ];
    const file = path.join(dir, 'berlin.csv');
    await writeFile(file, `timestamp,turbine_id,power_output\n${cases.map(([ts], i) => `${ts},1,${i + 1}`).join('\n')}\n`);

    const child = runEntry(
      'apps/cli/dist/ingest.main.js',
      {
        DATABASE_URL: db.url,
        SOURCE_TIMEZONE: 'Europe/Berlin',
        TZ: 'Pacific/Auckland',
        PGTZ: 'Asia/Kolkata',
        LOG_LEVEL: 'warn',
      },
      [file],
    );
    expect((await child.exited).code).toBe(0);

    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query(
      `SELECT power_output, extract(epoch FROM ts)::float8 * 1000 AS ms FROM reading ORDER BY power_output`,
    );
    await client.end();
    expect(rows.map((r) => new Date(r.ms).toISOString())).toEqual(cases.map(([, utc]) => utc));
  }, 60_000);
});
