import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { cleaningSettingsFrom } from '@windmill/core/config/settings';
import { parseConfig } from '@windmill/core/config/config';
import { migrate, MIGRATIONS_DIR } from '@windmill/core/db/migrate';
import { createPool, type Pool } from '@windmill/core/db/pool';
import { createCleanRunner, type CleanRunner } from '@windmill/core/ingest/clean-runner';
import { queueFile } from '@windmill/core/ingest/ingested-file.repository';
import { loadFile, type LoadDeps } from '@windmill/core/ingest/load-file';
import { foldReadingCounts } from '@windmill/core/ingest/reading-count.repository';
import type { Queryable } from '@windmill/core/db/pool';
import { listTurbines, type TurbineOverview } from '@windmill/core/read/turbines.read';
import { computeStats } from '@windmill/core/stats/compute-stats';
import { createApiWorld, type ApiWorld } from '../api/api-harness.js';
import { createTestDatabase } from '../helpers/database.js';
import { resetTables } from '../helpers/reset.js';
import { memoryLogger } from '../helpers/silent-logger.js';
import { DAILY } from '../stats/stats-fixtures.js';
import { explainingPool, generateReadings } from '../stats/synthetic-readings.js';

/**
 * GET /turbines answers from per-turbine counters that every write to `reading` keeps in its own
 * transaction (reading-count.repository.ts). These tests load real files through the loader and
 * compare the counters, before and after they are folded, with the truth counted from `reading`
 * itself: plain loads, later files replacing earlier readings in either commit order, loads that
 * roll back, loaders racing on the same keys, retention, and TRUNCATE.
 */

const HEADER = 'timestamp,turbine_id,wind_speed,wind_direction,power_output';
const HOUR_MS = 3_600_000;
const T0 = Date.parse('2022-03-01T00:00:00Z');

let world: ApiWorld;
let pool: Pool;
let app: FastifyInstance;
let dir: string;
let cleaner: CleanRunner;
let deps: LoadDeps;
let fileNumber = 0;

beforeAll(async () => {
  world = await createApiWorld('reading_counts');
  pool = createPool(world.db.url, 8);
  app = await world.build();
  dir = await mkdtemp(path.join(tmpdir(), 'windmill-counts-'));
  cleaner = createCleanRunner(2);
  const config = parseConfig({ DATABASE_URL: world.db.url }, dir);
  deps = { pool, logger: memoryLogger().logger, settings: cleaningSettingsFrom(config), cleaner };
});
afterAll(async () => {
  await cleaner.close();
  await pool.end();
  await world.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => resetTables(pool));

/** Hourly lines of `turbine` for hours [from, to) after T0, with `power` as the value. */
function hours(turbine: number, from: number, to: number, power: number): string[] {
  const lines: string[] = [];
  for (let h = from; h < to; h += 1) {
    const ts = new Date(T0 + h * HOUR_MS).toISOString().replace('T', ' ').slice(0, 19);
    lines.push(`${ts},${turbine},5,90,${power}`);
  }
  return lines;
}

/** Writes a file and queues it in the ledger (the order of queueing decides which file wins). */
async function queued(lines: string[]): Promise<{ fileId: number; path: string }> {
  fileNumber += 1;
  const file = path.join(dir, `file-${String(fileNumber).padStart(4, '0')}.csv`);
  await writeFile(file, `${HEADER}\n${lines.join('\n')}\n`);
  const { id } = await queueFile(pool, file, null, null);
  return { fileId: id, path: file };
}

async function load(file: { fileId: number; path: string }, with_: LoadDeps = deps): Promise<void> {
  expect(await loadFile(with_, file)).toMatchObject({ status: 'done' });
}

/** What GET /turbines said before it had counters: everything counted from `reading`. */
async function countedFromReadings(): Promise<TurbineOverview[]> {
  const { rows } = await pool.query<{
    id: number;
    name: string;
    n: string | null;
    files: string | null;
    first: Date | null;
    last: Date | null;
  }>(`
    SELECT t.id, t.name, count(r.turbine_id) AS n, count(DISTINCT r.file_id) AS files, min(r.ts) AS first, max(r.ts) AS last
      FROM turbine t LEFT JOIN reading r ON r.turbine_id = t.id
     GROUP BY t.id ORDER BY t.id`);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    readingCount: Number(r.n),
    fileCount: Number(r.files),
    firstReadingAt: r.first,
    lastReadingAt: r.last,
  }));
}

/** The few turbines of these tests, in one page of the list. */
const everyTurbine = async (db: Queryable): Promise<TurbineOverview[]> => (await listTurbines(db, { limit: 1000 })).rows;

const pendingDeltas = async () => Number((await pool.query('SELECT count(*) AS n FROM reading_count_delta')).rows[0].n);

/** The counters agree with `reading` before the fold, after it, and through the API. */
async function expectExactCounts(): Promise<TurbineOverview[]> {
  const truth = await countedFromReadings();
  expect(await everyTurbine(pool)).toEqual(truth);
  expect(await foldReadingCounts(pool)).not.toBeNull();
  expect(await pendingDeltas()).toBe(0);
  expect(await everyTurbine(pool)).toEqual(truth);
  const response = await app.inject({ method: 'GET', url: '/turbines' });
  expect(response.statusCode).toBe(200);
  expect(response.json()).toEqual({
    items: truth.map((t) => ({
      ...t,
      firstReadingAt: t.firstReadingAt?.toISOString() ?? null,
      lastReadingAt: t.lastReadingAt?.toISOString() ?? null,
    })),
    nextCursor: null,
  });
  return truth;
}

describe('per-turbine reading counts', () => {
  it('count the readings each load inserts, per turbine and file', async () => {
    await load(await queued([...hours(1, 0, 24, 1), ...hours(2, 0, 12, 2)]));
    await load(await queued([...hours(1, 24, 48, 1), ...hours(3, 0, 5, 3)]));
    // A rejected line and an in-file duplicate are not readings.
    await load(await queued([...hours(4, 0, 3, 4), '2022-03-01 05:00:00,4,5,90', ...hours(4, 1, 2, 9)]));

    const counts = await expectExactCounts();

    expect(counts.map((t) => [t.id, t.readingCount, t.fileCount])).toEqual([
      [1, 48, 2],
      [2, 12, 1],
      [3, 5, 1],
      [4, 3, 1],
    ]);
  });

  it('move replaced readings from the earlier file to the later one, whichever commits first', async () => {
    const a = await queued([...hours(1, 0, 10, 1), ...hours(2, 0, 4, 1)]);
    const b = await queued(hours(1, 5, 15, 2));
    await load(a);
    await load(b);
    let counts = await expectExactCounts();
    expect(counts.map((t) => [t.id, t.readingCount, t.fileCount])).toEqual([
      [1, 15, 2],
      [2, 4, 1],
    ]);

    // Queued later, so it wins: it takes every reading of turbine 1, and a and b no longer count for it.
    const c = await queued(hours(1, 0, 15, 3));
    // Takes 2 of file a's 4 readings of turbine 2 and brings 4 new ones.
    const d = await queued(hours(2, 2, 8, 4));
    await load(c);
    await load(d);
    counts = await expectExactCounts();
    expect(counts.map((t) => [t.id, t.readingCount, t.fileCount])).toEqual([
      [1, 15, 1],
      [2, 8, 2],
    ]);
    const owners = await pool.query(`SELECT DISTINCT file_id FROM reading WHERE turbine_id = 1`);
    expect(owners.rows).toEqual([{ file_id: c.fileId }]);
  });

  it('keep the later-queued file when the earlier one commits last', async () => {
    const earlier = await queued(hours(5, 0, 10, 1));
    const later = await queued(hours(5, 4, 12, 2));
    await load(later);
    await load(earlier); // its hours 4..9 lose against `later` and are not written

    const counts = await expectExactCounts();

    expect(counts).toEqual([expect.objectContaining({ id: 5, readingCount: 12, fileCount: 2 })]);
  });

  it('are unchanged by a load that rolls back, on the COPY path and on the upsert path', async () => {
    await load(await queued(hours(1, 0, 24, 1)));
    const before = await expectExactCounts();
    // The load fails at its last statement before the ledger update, after its readings, counts
    // and (for an overlapping file) its upsert are written: the transaction rolls back whole.
    await pool.query(`
      CREATE FUNCTION fail_late() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'injected failure after the readings'; END $$;
      CREATE TRIGGER fail_late BEFORE INSERT ON stats_pending FOR EACH ROW EXECUTE FUNCTION fail_late()`);
    try {
      const fresh = await queued(hours(2, 0, 24, 2)); // new keys only: COPY straight into reading
      const overlapping = await queued(hours(1, 12, 36, 3)); // 12 replaced, 12 new: staged and upserted
      await expect(loadFile(deps, fresh)).rejects.toThrow('injected failure');
      await expect(loadFile(deps, overlapping)).rejects.toThrow('injected failure');
    } finally {
      await pool.query('DROP TRIGGER fail_late ON stats_pending; DROP FUNCTION fail_late()');
    }

    expect(await pendingDeltas()).toBe(0);
    expect(await expectExactCounts()).toEqual(before);
  });

  it('stay exact when loaders race on the same keys', async () => {
    // Several rounds of four files loaded at once: each overlaps the others on most keys and
    // brings a few of its own, so loads meet unique violations, deadlocks and upserts that wait
    // for one another's commits.
    const { logger, lines } = memoryLogger();
    const racing: LoadDeps[] = [
      { ...deps, logger },
      { ...deps, logger, cleaner: createCleanRunner(0) },
    ];
    for (let round = 0; round < 4; round += 1) {
      const base = round * 6;
      const files = [];
      for (let f = 0; f < 4; f += 1) {
        files.push(
          await queued([
            ...hours(1, base + f, base + 24 + f, 10 + f),
            ...hours(2, base, base + 24, 20 + f),
            ...hours(3 + f, base, base + 2, 30 + f),
          ]),
        );
      }
      const order = round % 2 === 0 ? files : [...files].reverse();
      const outcomes = await Promise.all(order.map((file, i) => loadFile(racing[i % 2]!, file)));
      expect(outcomes.map((o) => o.status)).toEqual(['done', 'done', 'done', 'done']);
    }
    // The loads did meet: most of them found their keys taken and upserted.
    const targets = lines()
      .filter((l) => l.msg === 'file loaded')
      .map((l) => l.target);
    expect(targets.filter((t) => t === 'staging').length).toBeGreaterThanOrEqual(8);
    const counts = await expectExactCounts();
    // The last file queued of the last round owns turbine 2's readings of that round.
    expect(counts.find((t) => t.id === 2)).toMatchObject({ readingCount: 42 });
    expect(counts.find((t) => t.id === 1)).toMatchObject({ readingCount: 45 });
  });

  it('follow retention: purged readings are no longer counted, nor are files left without readings', async () => {
    await load(await queued([...hours(1, 0, 48, 1), ...hours(2, 0, 48, 1)]));
    await load(await queued([...hours(1, 48, 96, 1), ...hours(2, 48, 96, 1)]));
    // Keep 2 days at 2022-03-05 12:00: the first two days (all of the first file) are purged.
    const run = await computeStats(pool, { ...DAILY, retainReadingsDays: 2, now: new Date('2022-03-05T12:00:00Z') });
    expect(run).toMatchObject({ status: 'done', readingsPurged: 96 });

    const counts = await expectExactCounts();

    expect(counts.map((t) => [t.id, t.readingCount, t.fileCount])).toEqual([
      [1, 48, 1],
      [2, 48, 1],
    ]);
  });

  it('are emptied by TRUNCATE reading', async () => {
    await load(await queued(hours(1, 0, 5, 1)));
    await foldReadingCounts(pool);
    await load(await queued(hours(1, 5, 10, 1)));
    await pool.query('TRUNCATE reading');

    const counts = await expectExactCounts();

    expect(counts).toEqual([{ id: 1, name: '1', readingCount: 0, fileCount: 0, firstReadingAt: null, lastReadingAt: null }]);
  });

  it('are what GET /turbines answers with: it does not count the readings', async () => {
    await load(await queued(hours(1, 0, 24, 1)));
    await foldReadingCounts(pool);
    // Counters that disagree with `reading` on purpose show through: the answer comes from them.
    await pool.query(`UPDATE turbine_reading_count SET readings = readings + 1000, files = files + 1 WHERE turbine_id = 1`);

    const response = await app.inject({ method: 'GET', url: '/turbines' });

    expect(response.json()).toEqual({
      items: [
        {
          id: 1,
          name: '1',
          readingCount: 1024,
          fileCount: 2,
          firstReadingAt: '2022-03-01T00:00:00.000Z',
          lastReadingAt: '2022-03-01T23:00:00.000Z',
        },
      ],
      nextCursor: null,
    });
  });
});

describe('the cost of GET /turbines', () => {
  it('reads `reading` only through index probes, never in full', async () => {
    // 40 turbines x 100 days of hourly readings (96 000), analyzed, so the planner sees a table
    // where a sequential scan would be the obvious plan for counting.
    expect(await generateReadings(pool, { turbines: 40, hours: 2400, start: '2022-01-01T00:00:00Z' })).toBe(96_000);
    await foldReadingCounts(pool);

    // Every plan of the read, through auto_explain.
    const { pool: explained, plans } = explainingPool(world.db.url);
    try {
      const turbines = await everyTurbine(explained);
      expect(turbines).toHaveLength(40);
      expect(turbines[0]).toMatchObject({ readingCount: 2400, fileCount: 1 });
    } finally {
      await explained.end();
    }
    const plan = plans.join('\n');
    expect(plan).toMatch(/\bon reading\b/);
    expect(plan).not.toMatch(/Seq Scan on reading\b/);
    expect(plan).toMatch(/Index (Only )?Scan (Backward )?using reading_turbine_id_ts_key on reading/);

    // And Postgres' own counters of a new session's transaction (pg_stat_xact_user_tables, so no
    // other session's scans count): no sequential scan, two index probes per turbine and call.
    const fresh = createPool(world.db.url, 1);
    const client = await fresh.connect();
    try {
      await client.query('BEGIN');
      for (let i = 0; i < 5; i += 1) await everyTurbine(client);
      const { rows } = await client.query<{ seq_scan: string; idx_scan: string }>(
        `SELECT seq_scan, idx_scan FROM pg_stat_xact_user_tables WHERE relname = 'reading'`,
      );
      await client.query('COMMIT');
      expect(rows.map((r) => ({ seq: Number(r.seq_scan), idx: Number(r.idx_scan) }))).toEqual([{ seq: 0, idx: 5 * 2 * 40 }]);
    } finally {
      client.release();
      await fresh.end();
    }
  });
});

describe('the migration that adds the counts', () => {
  it('backfills them from the readings already stored', async () => {
    const COUNTS_MIGRATION = '20261201120000_reading_counts';
    const older = await mkdtemp(path.join(tmpdir(), 'windmill-migrations-'));
    const target = await createTestDatabase('counts_backfill', { migrate: false });
    const other = createPool(target.url, 2);
    try {
      // The database as it was before: every migration older than the counts.
      for (const name of (await readdir(MIGRATIONS_DIR)).filter((n) => n < COUNTS_MIGRATION)) {
        await cp(path.join(MIGRATIONS_DIR, name), path.join(older, name), { recursive: true });
      }
      await migrate(target.url, older);
      await other.query(`
        INSERT INTO ingested_file (id, path, status) VALUES (1, '/a.csv', 'done'), (2, '/b.csv', 'done');
        INSERT INTO turbine (id) VALUES (1), (2), (3);
        INSERT INTO reading (turbine_id, ts, power_output, file_id)
        SELECT 1, '2022-03-01'::timestamptz + h * interval '1 hour', 1, CASE WHEN h < 10 THEN 1 ELSE 2 END FROM generate_series(0, 29) h
        UNION ALL
        SELECT 2, '2022-03-01'::timestamptz + h * interval '1 hour', 1, 2 FROM generate_series(0, 4) h`);

      expect((await migrate(target.url)).applied).toContain(COUNTS_MIGRATION);

      const turbines = await everyTurbine(other);
      expect(turbines.map((t) => [t.id, t.readingCount, t.fileCount])).toEqual([
        [1, 30, 2],
        [2, 5, 1],
        [3, 0, 0],
      ]);
      const pending = await other.query('SELECT count(*)::int AS n FROM reading_count_delta');
      expect(pending.rows[0].n).toBe(0);
    } finally {
      await other.end();
      await target.drop();
      await rm(older, { recursive: true, force: true });
    }
  });
});
