import path from 'node:path';
import { cleaningSettingsFrom } from '@windmill/core/config/settings';
import { parseConfig } from '@windmill/core/config/config';
import { createPool, type Pool } from '@windmill/core/db/pool';
import { createCleanRunner, type CleanRunner } from '@windmill/core/ingest/clean-runner';
import { queueFile } from '@windmill/core/ingest/ingested-file.repository';
import { loadFile } from '@windmill/core/ingest/load-file';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { CHALLENGE_DIR } from '../helpers/paths.js';
import { memoryLogger } from '../helpers/silent-logger.js';
import { sleep } from '../helpers/wait.js';

/** The ledger's times say when a load began and when it committed, not when its transaction opened. */
describe('ledger times', () => {
  let db: TestDatabase;
  let pool: Pool;
  const { logger } = memoryLogger();

  beforeAll(async () => {
    db = await createTestDatabase('ledger_times');
    pool = createPool(db.url);
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it('startedAt is when the load began and finishedAt its commit, after the time the load took', async () => {
    const file = path.join(CHALLENGE_DIR, 'data_group_1.csv');
    const { id } = await queueFile(pool, file, null, null);
    // A cleaner that takes 400 ms longer than usual stands in for a slow file.
    const inner = createCleanRunner(0);
    const slow: CleanRunner = {
      run: async (task, emit, resolveTurbines) => {
        await sleep(400);
        return inner.run(task, emit, resolveTurbines);
      },
      close: () => inner.close(),
    };
    const settings = cleaningSettingsFrom(parseConfig({}, process.cwd()));
    const before = Date.now();
    const outcome = await loadFile({ pool, logger, settings, cleaner: slow }, { fileId: id, path: file });
    const after = Date.now();
    expect(outcome.status).toBe('done');

    const { rows } = await pool.query<{ queued_at: Date; started_at: Date; finished_at: Date }>(
      'SELECT queued_at, started_at, finished_at FROM ingested_file WHERE id = $1',
      [id],
    );
    const row = rows[0]!;
    expect(row.queued_at.getTime()).toBeLessThanOrEqual(row.started_at.getTime());
    expect(row.started_at.getTime()).toBeGreaterThanOrEqual(before - 5);
    expect(row.finished_at.getTime() - row.started_at.getTime()).toBeGreaterThanOrEqual(400);
    expect(row.finished_at.getTime()).toBeLessThanOrEqual(after + 5);
  });
});
