import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runEntry } from '../helpers/child-process.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { CHALLENGE_DIR } from '../helpers/paths.js';

/**
 * `npm run ingest` as a user runs it (the compiled apps/cli/dist/ingest.main.js in a child
 * process): a file whose every line is rejected is not a success, its summary says why, and the
 * lines under the table describe this run, not what the database held before.
 */
describe('npm run ingest, the summary and the exit code', () => {
  let db: TestDatabase;
  let root: string;

  const ingest = async (...inputs: string[]) => {
    // LOG_LEVEL=warn: stdout holds the summary only, stderr the few warnings.
    const child = runEntry('apps/cli/dist/ingest.main.js', { DATABASE_URL: db.url, LOG_LEVEL: 'warn', LOG_FORMAT: 'json' }, inputs);
    const { code } = await child.exited;
    return { code, output: child.output() };
  };
  const file = async (name: string, text: string) => {
    const p = path.join(root, name);
    await writeFile(p, text);
    return p;
  };

  beforeAll(async () => {
    db = await createTestDatabase('ingest_command');
    root = await mkdtemp(path.join(tmpdir(), 'windmill-ingest-command-'));
  });
  afterAll(async () => {
    await db?.drop();
    await rm(root, { recursive: true, force: true });
  });

  it("loads a first file: this run's stats and anomalies", async () => {
    const { code, output } = await ingest(path.join(CHALLENGE_DIR, 'data_group_1.csv'));
    expect(code).toBe(0);
    expect(output).toContain('files: 1 (0 failed)');
    expect(output).toContain('lines: 3720 read: 3720 loaded (0 with imputed values), 0 duplicate, 0 rejected');
    expect(output).toMatch(/stats: 155 windows computed in \d+ ms \(a full run: every window with readings\)/);
    const anomalies = /anomalies found by this run: reading (\d+), turbine (\d+), underperformance (\d+)/.exec(output);
    expect(Number(anomalies?.[1])).toBeGreaterThan(0);
    expect(output).not.toMatch(/exit code/);
  });

  it('exits 3 for a file whose every line is rejected, with the main reason and the formats accepted in its note', async () => {
    const dayFirst = await file(
      'day-first.csv',
      'timestamp,turbine_id,power_output\n01 01 2018 00:10,1,2.5\n01 01 2018 00:20,1,2.6\n01 01 2018 00:30,1,2.7\n',
    );
    const { code, output } = await ingest(dayFirst);
    expect(code).toBe(3);
    const row = output.split('\n').find((l) => l.includes('day-first.csv'));
    expect(row).toMatch(/day-first\.csv\s+done\s+3\s+0\s+0\s+0\s+3\s+nothing loaded; /);
    expect(row).toContain(
      'bad_timestamp (3 of 3 rejected), line 2: unparseable timestamp "01 01 2018 00:10" (expected YYYY-MM-DD HH:MM:SS or ISO 8601)',
    );
    expect(output).toContain('files: 1 (0 failed, 1 loaded nothing)');
    // This run's totals, although the database holds the first file's windows and anomalies.
    expect(output).toContain('lines: 3 read: 0 loaded (0 with imputed values), 0 duplicate, 3 rejected');
    expect(output).toMatch(/stats: 0 windows computed in \d+ ms\n/);
    expect(output).toContain('anomalies found by this run: reading 0, turbine 0, underperformance 0');
    expect(output.trimEnd().split('\n').at(-1)).toBe(
      'exit code 3: 1 file loaded nothing, every data line rejected (the note gives the main reason)',
    );
  });

  it('names the main reason of a file that loaded some lines, and a header-only file is not a failure', async () => {
    const mixed = await file(
      'mixed.csv',
      'timestamp,turbine_id,power_output\n2022-04-01 00:00:00,1,2.5\n2022-04-01 01:00:00,x,2.6\n2022-04-01 02:00:00,1\n2022-04-01 03:00:00,y,2.6\n',
    );
    const headerOnly = await file('header-only.csv', 'timestamp,turbine_id,power_output\n');
    const { code, output } = await ingest(headerOnly, mixed);
    expect(code).toBe(0);
    expect(output).toMatch(/header-only\.csv\s+done\s+0\s+0\s+0\s+0\s+0\n/);
    expect(output).toMatch(/mixed\.csv\s+done\s+4\s+1\s+0\s+0\s+3\s+bad_turbine_id \(2 of 3 rejected\), line 3: /);
    expect(output).toContain('files: 2 (0 failed)');
  });

  it('exits 1 when a file failed, even beside one that loaded nothing', async () => {
    const failed = await file('semicolons.csv', 'timestamp;turbine_id;power_output\n2022-04-01 00:00:00;1;2.5\n');
    const dayFirst = await file('day-first-2.csv', 'timestamp,turbine_id,power_output\n02 01 2018 00:10,1,2.5\n');
    const { code, output } = await ingest(dayFirst, failed);
    expect(code).toBe(1);
    expect(output).toContain('files: 2 (1 failed, 1 loaded nothing)');
    expect(output.trimEnd().split('\n').at(-1)).toBe('exit code 1: 1 file failed (the note says why)');
  });

  it('a duplicate of content loaded before adds nothing and is no failure', async () => {
    const copy = path.join(root, 'copy-of-group-1.csv');
    await copyFile(path.join(CHALLENGE_DIR, 'data_group_1.csv'), copy);
    const { code, output } = await ingest(copy);
    expect(code).toBe(0);
    expect(output).toMatch(/copy-of-group-1\.csv\s+duplicate\s+same content as file #1/);
    expect(output).toContain('lines: 0 read: 0 loaded (0 with imputed values), 0 duplicate, 0 rejected');
    expect(output).toContain('anomalies found by this run: reading 0, turbine 0, underperformance 0');
  });
});
