import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cleaningSettingsFrom } from '@windmill/core/config/settings';
import { parseConfig } from '@windmill/core/config/config';
import { createPool, type Pool } from '@windmill/core/db/pool';
import { createCleanRunner, type CleanRunner } from '@windmill/core/ingest/clean-runner';
import { queueFile } from '@windmill/core/ingest/ingested-file.repository';
import { loadFile, type LoadDeps } from '@windmill/core/ingest/load-file';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { memoryLogger } from '../helpers/silent-logger.js';

const HEADER = 'timestamp,turbine_id,wind_speed,wind_direction,power_output';

/**
 * Where two files hold a reading for the same (turbine, timestamp), the one queued later (the
 * higher ledger id) wins, whatever order the two loads commit in: `npm run ingest` no longer makes
 * each file wait for the previous one's commit, and the watcher's workers never did.
 */
describe('precedence between overlapping files', () => {
  let db: TestDatabase;
  let pool: Pool;
  let dir: string;
  let cleaner: CleanRunner;
  let deps: LoadDeps;

  beforeAll(async () => {
    db = await createTestDatabase('precedence');
    pool = createPool(db.url);
    dir = await mkdtemp(path.join(tmpdir(), 'windmill-precedence-'));
    cleaner = createCleanRunner(1);
    const config = parseConfig({ DATABASE_URL: db.url }, dir);
    deps = { pool, logger: memoryLogger().logger, settings: cleaningSettingsFrom(config), cleaner };
  });
  afterAll(async () => {
    await cleaner.close();
    await pool.end();
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const powerAt = async (turbine: number, ts: string) => {
    const { rows } = await pool.query(`SELECT power_output, file_id FROM reading WHERE turbine_id = $1 AND ts = $2`, [turbine, ts]);
    return rows[0] as { power_output: number; file_id: number } | undefined;
  };

  it('keeps the later-queued file when the earlier one commits last', async () => {
    const earlier = path.join(dir, 'a-earlier.csv');
    const later = path.join(dir, 'b-later.csv');
    await writeFile(earlier, `${HEADER}\n2022-03-01 00:00:00,7,5,90,1.0\n2022-03-01 01:00:00,7,5,90,1.1\n2022-03-01 02:00:00,7,5,90,1.2\n`);
    await writeFile(later, `${HEADER}\n2022-03-01 01:00:00,7,6,91,9.1\n2022-03-01 02:00:00,7,6,91,9.2\n2022-03-01 03:00:00,7,6,91,9.3\n`);
    const a = await queueFile(pool, earlier, null, null);
    const b = await queueFile(pool, later, null, null);
    expect(b.id).toBeGreaterThan(a.id);

    // The "wrong" order: the later-queued file commits first.
    expect(await loadFile(deps, { fileId: b.id, path: later })).toMatchObject({ status: 'done' });
    expect(await loadFile(deps, { fileId: a.id, path: earlier })).toMatchObject({ status: 'done' });

    expect(await powerAt(7, '2022-03-01T00:00:00Z')).toEqual({ power_output: 1.0, file_id: a.id });
    expect(await powerAt(7, '2022-03-01T01:00:00Z')).toEqual({ power_output: 9.1, file_id: b.id });
    expect(await powerAt(7, '2022-03-01T02:00:00Z')).toEqual({ power_output: 9.2, file_id: b.id });
    expect(await powerAt(7, '2022-03-01T03:00:00Z')).toEqual({ power_output: 9.3, file_id: b.id });
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM reading`);
    expect(rows[0].n).toBe(4);
  });

  it('gives the same result when the two loads run at the same time', async () => {
    const first = path.join(dir, 'c-first.csv');
    const second = path.join(dir, 'd-second.csv');
    const lines = (power: number) =>
      Array.from({ length: 48 }, (_, h) => `2022-04-0${1 + Math.floor(h / 24)} ${String(h % 24).padStart(2, '0')}:00:00,8,5,90,${power}`);
    await writeFile(first, `${HEADER}\n${lines(1.5).join('\n')}\n`);
    await writeFile(second, `${HEADER}\n${lines(2.5).join('\n')}\n`);
    const a = await queueFile(pool, first, null, null);
    const b = await queueFile(pool, second, null, null);
    const outcomes = await Promise.all([loadFile(deps, { fileId: b.id, path: second }), loadFile(deps, { fileId: a.id, path: first })]);
    expect(outcomes.map((o) => o.status)).toEqual(['done', 'done']);
    const { rows } = await pool.query(`SELECT DISTINCT power_output, file_id FROM reading WHERE turbine_id = 8`);
    expect(rows).toEqual([{ power_output: 2.5, file_id: b.id }]);
  });
});
