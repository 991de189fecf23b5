import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseConfig } from '@windmill/core/config/config';
import { createPool, type Pool } from '@windmill/core/db/pool';
import { runIngest } from '@windmill/core/ingest/batch-ingest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { memoryLogger } from '../helpers/silent-logger.js';

const HEADER = 'timestamp,turbine_id,wind_speed,wind_direction,power_output';

/**
 * Files a hostile or careless exporter might produce. Each must end `done` with the right counts
 * or `failed` with a reason a person understands: never a crash, never a silent loss.
 */
const CASES: Array<{
  name: string;
  content: Buffer | string;
  expect: { status: 'done'; loaded: number; rejected?: number } | { status: 'failed'; error: RegExp };
}> = [
  { name: 'zero-bytes.csv', content: '', expect: { status: 'failed', error: /the file is empty/ } },
  { name: 'header-only.csv', content: `${HEADER}\n`, expect: { status: 'done', loaded: 0 } },
  {
    name: 'gzip-renamed.csv',
    content: gzipSync(Buffer.from(`${HEADER}\n2022-03-01 00:00:00,1,5,90,2.5\n`.repeat(20))),
    expect: { status: 'failed', error: /NUL byte|not valid UTF-8/ },
  },
  {
    name: 'xlsx-renamed.csv',
    content: Buffer.concat([Buffer.from('PK\u0003\u0004\u0014\u0000\u0006\u0000'), Buffer.from([0x00, 0x21, 0xff, 0x9c, 0x00])]),
    expect: { status: 'failed', error: /NUL byte|not valid UTF-8/ },
  },
  {
    name: 'nul-in-middle.csv',
    content: `${HEADER}\n2022-03-01 00:00:00,1,5,90,2.5\n2022-03-01 01:00:00,1,5\u0000,90,2.5\n`,
    expect: { status: 'failed', error: /NUL byte at offset \d+/ },
  },
  {
    name: 'invalid-utf8.csv',
    content: Buffer.concat([
      Buffer.from(`${HEADER}\n2022-03-01 00:00:00,1,5,90,2.5\n2022-03-01 01:00:00,1,`),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(',90,2.5\n'),
    ]),
    expect: { status: 'failed', error: /not valid UTF-8/ },
  },
  {
    name: 'semicolons.csv',
    content: 'timestamp;turbine_id;power_output\n2022-03-01 00:00:00;1;2.5\n',
    expect: { status: 'failed', error: /missing required columns.*comma-separated/ },
  },
  {
    name: 'duplicate-header.csv',
    content: 'timestamp,turbine_id,power_output,power_output\n2022-03-01 00:00:00,1,2.5,2.6\n',
    expect: { status: 'failed', error: /names column 'power_output' twice/ },
  },
  {
    name: 'cr-only.csv',
    content: `${HEADER}\r2022-03-01 00:00:00,1,5,90,2.5\r2022-03-01 01:00:00,1,6,91,2.7\r2022-03-01 02:00:00,1,7,92,2.9\r`,
    expect: { status: 'done', loaded: 3 },
  },
  {
    name: 'quoted-fields.csv',
    content:
      `${HEADER},note\n` +
      `2022-03-01 00:00:00,1,5,90,2.5,"gusty, then calm"\n` +
      `"2022-03-01 01:00:00","1","6","91","2.7","two\nlines"\n` +
      `2022-03-01 02:00:00,1,7,92,2.9,"said ""check blade 2"""\n`,
    expect: { status: 'done', loaded: 3 },
  },
  {
    name: 'unterminated-quote.csv',
    content: `${HEADER}\n2022-03-01 00:00:00,1,5,90,"2.5\n2022-03-01 01:00:00,1,6,91,2.7\n`,
    expect: { status: 'failed', error: /CSV syntax error (near the start of the file|after line \d+): .*missing closing/ },
  },
  {
    // A quote inside an unquoted field is kept as a character: `2"5` is not a number, so the
    // power is missing and, with no neighbours, the line is rejected with its reason.
    name: 'stray-quote.csv',
    content: `${HEADER}\n2022-03-01 00:00:00,1,5,90,2"5\n`,
    expect: { status: 'done', loaded: 0, rejected: 1 },
  },
];

describe('hostile files', () => {
  let db: TestDatabase;
  let pool: Pool;
  let dir: string;
  const { logger } = memoryLogger();

  beforeAll(async () => {
    db = await createTestDatabase('hostile');
    pool = createPool(db.url);
    dir = await mkdtemp(path.join(tmpdir(), 'windmill-hostile-'));
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const ingestOne = async (name: string, content: Buffer | string) => {
    const file = path.join(dir, name);
    await writeFile(file, content);
    const summary = await runIngest({ pool, logger, config: parseConfig({ DATABASE_URL: db.url }, dir) }, [file], dir);
    return summary.files[0]!.outcome;
  };

  it.each(CASES)('$name', async ({ name, content, expect: want }) => {
    const outcome = await ingestOne(name, content);
    const { rows } = await pool.query(`SELECT status, error, rows_loaded, rows_rejected FROM ingested_file WHERE path = $1`, [
      path.join(dir, name),
    ]);
    expect(rows).toHaveLength(1);
    if (want.status === 'failed') {
      expect(outcome).toMatchObject({ status: 'failed', error: expect.stringMatching(want.error) });
      expect(rows[0].status).toBe('failed');
      expect(rows[0].error).toMatch(want.error);
    } else {
      expect(rows[0]).toMatchObject({ status: 'done', rows_loaded: want.loaded, rows_rejected: want.rejected ?? 0 });
    }
  });

  it('a single 100 MB line fails with a clear reason and bounded memory', async () => {
    const file = path.join(dir, 'one-huge-line.csv');
    const out = createWriteStream(file);
    out.write(`${HEADER}\n`);
    const megabyte = '9'.repeat(1024 * 1024);
    for (let i = 0; i < 100; i++) if (!out.write(megabyte)) await once(out, 'drain');
    out.end('\n');
    await once(out, 'finish');
    const before = process.memoryUsage().rss;
    const summary = await runIngest({ pool, logger, config: parseConfig({ DATABASE_URL: db.url }, dir) }, [file], dir);
    const outcome = summary.files[0]!.outcome;
    expect(outcome).toMatchObject({ status: 'failed', error: expect.stringMatching(/longer than 1048576 bytes/) });
    // The line is refused while streaming, never held whole: memory grows by far less than its size.
    expect(process.memoryUsage().rss - before).toBeLessThan(80 * 1024 * 1024);
  });

  it('keeps the extra column out and reports it once for the file', async () => {
    const { rows } = await pool.query(`SELECT ignored_columns FROM ingested_file WHERE path LIKE '%quoted-fields.csv'`);
    expect(rows[0].ignored_columns).toEqual(['note']);
  });
});
