import { readFile, writeFile, mkdtemp, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, parseConfig } from '@windmill/core/config/config';
import { createPool, type Pool } from '@windmill/core/db/pool';
import { runIngest, type IngestSummary } from '@windmill/core/ingest/batch-ingest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { memoryLogger } from '../helpers/silent-logger.js';

/**
 * Every bad-input case of SPEC section 8, loaded by `npm run ingest`'s code: what the user is
 * told, what the ledger says, and that nothing is lost (the file stays, each rejected line is
 * stored with its physical line number and its text).
 */
const PROFILES = {
  profiles: [
    { name: 'kelmarsh', match: 'Turbine_Data_*.csv', preset: 'greenbyte' },
    { name: 'one', match: 'T*.csv', preset: 'single-turbine', encoding: 'utf-8' },
    { name: 'eu', match: 'eu-*.csv', preset: 'european' },
  ],
};

const GREENBYTE_HEAD = ['# This file was exported by Greenbyte.', '# ', '# Turbine: Kelmarsh 1', '# Time zone: UTC', '# '];
const GREENBYTE_HEADER = '# Date and time,Wind speed (m/s),Wind direction (°),Power (kW)';

const FILES: Record<string, string | Buffer> = {
  // windows-1252 text read with a UTF-8 profile: the ° of the header is byte 0xB0 at offset 93.
  'T1.csv': Buffer.from(
    'Date/Time,LV ActivePower (kW),Wind Speed (m/s),Theoretical_Power_Curve (KWh),Wind Direction (\xb0)\r\n01 01 2018 00:00,380.0,5.3,416.3,259.9\r\n',
    'latin1',
  ),
  // The header lacks the profile's power column.
  'Turbine_Data_Kelmarsh_2_2016.csv': [
    ...GREENBYTE_HEAD,
    '# Date and time,Wind speed (m/s),Wind direction (°),Power, Average (kW)',
    '',
  ].join('\n'),
  // The preamble names no turbine.
  'Turbine_Data_Kelmarsh_3_2016.csv': ['# Time zone: UTC', GREENBYTE_HEADER, '2016-01-03 00:00:00,5.0,200,1000', ''].join('\n'),
  // One line's timestamp is not in the profile's format; the others load.
  'Turbine_Data_Kelmarsh_1_2016.csv': [
    ...GREENBYTE_HEAD,
    GREENBYTE_HEADER,
    '2016-01-03 00:00:00,5.0,200,1000',
    '03.01.2016 00:10,5.1,201,1010',
    '2016-01-03 00:20:00,5.2,202,1020',
    '',
  ].join('\n'),
  // A vendor export that no profile matches, read in the canonical layout.
  'unmatched-export.csv': 'Date/Time;P_avg;Ws_avg\n01.03.2022 00:00;1000,5;5,1\n',
  // The canonical layout with a header it does not know.
  'wrong-header.csv': 'time,turbine,power\n2022-03-01 00:00:00,1,2.5\n',
};

describe('bad input in real-export layouts', () => {
  let db: TestDatabase;
  let pool: Pool;
  let dir: string;
  let summary: IngestSummary;
  const { logger } = memoryLogger();
  const outcome = (name: string) => summary.files.find((f) => path.basename(f.path) === name)!;

  beforeAll(async () => {
    db = await createTestDatabase('profile_errors');
    pool = createPool(db.url);
    dir = await mkdtemp(path.join(tmpdir(), 'windmill-profile-errors-'));
    await mkdir(path.join(dir, 'data'));
    for (const [name, content] of Object.entries(FILES)) await writeFile(path.join(dir, 'data', name), content);
    await writeFile(path.join(dir, 'profiles.json'), JSON.stringify(PROFILES));
    const config = parseConfig({ DATABASE_URL: db.url, INPUT_PROFILES: 'profiles.json' }, dir);
    summary = await runIngest({ pool, logger, config }, [path.join(dir, 'data')], dir);
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('bytes invalid in the encoding: failed with the byte offset and the hint to set encoding', () => {
    expect(outcome('T1.csv')).toMatchObject({ profile: 'one', outcome: { status: 'failed' } });
    const { error } = outcome('T1.csv').outcome as { error: string };
    expect(error).toMatch(/not valid UTF-8 text: byte 0xB0 at offset 93/);
    expect(error).toMatch(/field `encoding`: windows-1252/);
  });

  it('a header without a mapped column: failed naming the profile, the missing name and the header as read', () => {
    expect(outcome('Turbine_Data_Kelmarsh_2_2016.csv').outcome).toEqual({
      status: 'failed',
      fileId: expect.any(Number),
      error:
        'profile "kelmarsh": the header has no column "Power (kW)" (columns.power_output); header as read: ' +
        '"Date and time,Wind speed (m/s),Wind direction (°),Power, Average (kW)"',
    });
  });

  it('a turbine pattern that matches nothing: failed naming the pattern', () => {
    expect(outcome('Turbine_Data_Kelmarsh_3_2016.csv').outcome).toMatchObject({
      status: 'failed',
      error: 'profile "kelmarsh": turbine.pattern "^# Turbine: (.+)$" (from preamble) matches nothing in any of the 1 preamble lines',
    });
  });

  it('a timestamp not in the format: that line rejected with the expected format, at its physical line, the rest loaded', async () => {
    expect(outcome('Turbine_Data_Kelmarsh_1_2016.csv').outcome).toMatchObject({
      status: 'done',
      totals: { rowsTotal: 3, rowsLoaded: 2, rowsRejected: 1 },
    });
    const { rows } = await pool.query(
      `SELECT r.line, r.reason, r.raw, r.detail FROM rejected_row r JOIN ingested_file f ON f.id = r.file_id WHERE f.path LIKE '%Kelmarsh_1_2016.csv'`,
    );
    expect(rows).toEqual([
      {
        line: 8,
        reason: 'bad_timestamp',
        raw: '03.01.2016 00:10,5.1,201,1010',
        detail: 'unparseable timestamp "03.01.2016 00:10" (expected %Y-%m-%d %H:%M:%S)',
      },
    ]);
    const readings = await pool.query(`SELECT t.name, r.power_output FROM reading r JOIN turbine t ON t.id = r.turbine_id ORDER BY r.ts`);
    expect(readings.rows).toEqual([
      { name: 'Kelmarsh 1', power_output: 1 },
      { name: 'Kelmarsh 1', power_output: 1.02 },
    ]);
  });

  it('a canonical-layout file with another header: failed pointing at INPUT_PROFILES', () => {
    for (const name of ['wrong-header.csv', 'unmatched-export.csv']) {
      expect(outcome(name)).toMatchObject({ profile: null, outcome: { status: 'failed' } });
      expect((outcome(name).outcome as { error: string }).error).toMatch(
        /missing required column.*INPUT_PROFILES; `npm run profile -- FILE` writes one/,
      );
    }
  });

  it('records the profile on each ledger row and loses nothing: every file is still where it was', async () => {
    const { rows } = await pool.query<{ name: string; profile: string | null; status: string; error: string | null }>(
      `SELECT regexp_replace(path, '^.*/', '') AS name, profile, status, error FROM ingested_file ORDER BY path`,
    );
    expect(rows.map((r) => [r.name, r.profile, r.status])).toEqual([
      ['T1.csv', 'one', 'failed'],
      ['Turbine_Data_Kelmarsh_1_2016.csv', 'kelmarsh', 'done'],
      ['Turbine_Data_Kelmarsh_2_2016.csv', 'kelmarsh', 'failed'],
      ['Turbine_Data_Kelmarsh_3_2016.csv', 'kelmarsh', 'failed'],
      ['unmatched-export.csv', null, 'failed'],
      ['wrong-header.csv', null, 'failed'],
    ]);
    for (const row of rows.filter((r) => r.status === 'failed')) expect(row.error).toBeTruthy();
    for (const [name, content] of Object.entries(FILES)) expect(await readFile(path.join(dir, 'data', name))).toEqual(Buffer.from(content));
  });
});

describe('a bad profiles file stops start-up', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'windmill-bad-profiles-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const problemsWith = async (content: string): Promise<string[]> => {
    await writeFile(path.join(dir, 'profiles.json'), content);
    try {
      parseConfig({ INPUT_PROFILES: 'profiles.json', WINDOW_SECONDS: 'x' }, dir);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    throw new Error('expected a ConfigError');
  };

  it('with one message naming the profile and the field, beside the other bad settings', async () => {
    const problems = await problemsWith(
      JSON.stringify({ profiles: [{ name: 'kelmarsh', match: '*.csv', preset: 'greenbyte', units: { power_output: 'kw' } }] }),
    );
    expect(problems).toEqual([
      'WINDOW_SECONDS="x": expected a number',
      'INPUT_PROFILES="profiles.json": profile "kelmarsh": units.power_output: expected W, kW or MW',
    ]);
  });

  it('names a file that is missing or not JSON', async () => {
    expect(await problemsWith('{ "profiles": [ }')).toEqual([
      'WINDOW_SECONDS="x": expected a number',
      expect.stringMatching(/^INPUT_PROFILES="profiles.json": not valid JSON \(/),
    ]);
    await rm(path.join(dir, 'profiles.json'));
    expect(() => parseConfig({ INPUT_PROFILES: 'profiles.json' }, dir)).toThrow(
      /INPUT_PROFILES="profiles.json": cannot read the file \(ENOENT\)/,
    );
  });
});
