import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { runIngest } from '@windmill/core/ingest/batch-ingest';
import { parseConfig } from '@windmill/core/config/config';
import { createPool } from '@windmill/core/db/pool';
import { apiClient } from '../helpers/api-client.js';
import { runEntry, type Child } from '../helpers/child-process.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { CHALLENGE_DIR } from '../helpers/paths.js';
import { createPipelineEnv, type PipelineEnv } from '../helpers/pipeline-env.js';
import { memoryLogger } from '../helpers/silent-logger.js';
import { sleep, waitFor } from '../helpers/wait.js';

/**
 * The whole product as a user runs it: `npm start` (apps/cli/src/start.main.ts) on a temporary
 * folder and database, the challenge files dropped into its inbox, the results read over HTTP.
 */
describe('npm start, end to end over HTTP', () => {
  let env: PipelineEnv;
  let oneShot: TestDatabase;
  let child: Child;
  let api: string;
  const auth = `Basic ${Buffer.from('operator:s3cret').toString('base64')}`;

  const { get } = apiClient(() => api);
  /**
   * Every item of a paged list. The scheduler runs stats every 2 s here, and a read that meets a
   * run answers 503 (as it should): the listing then starts again after a short pause, as a
   * client honouring Retry-After would.
   */
  const all = async (p: string): Promise<any[]> => {
    for (;;) {
      const items: any[] = [];
      let cursor: string | null = null;
      let interrupted = false;
      do {
        const { status, body } = await get(`${p}${p.includes('?') ? '&' : '?'}limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
        if (status === 503) {
          expect(body.error.code).toBe('stats_running');
          interrupted = true;
          break;
        }
        items.push(...body.items);
        cursor = body.nextCursor;
      } while (cursor);
      if (!interrupted) return items;
      await sleep(200);
    }
  };

  beforeAll(async () => {
    env = await createPipelineEnv('e2e', {
      BOARD_USER: 'operator',
      BOARD_PASSWORD: 's3cret',
      STATS_INTERVAL_SECONDS: '2',
      LOG_LEVEL: 'info',
    });
    child = runEntry('apps/cli/dist/start.main.js', env.env);
    const line = await waitFor(
      'windmill to report it is running',
      () =>
        child
          .output()
          .split('\n')
          .find((l) => l.includes('windmill is running')),
      60_000,
    );
    api = JSON.parse(line).api;
    // What `npm run ingest` stores for the same files, to compare the live result with.
    oneShot = await createTestDatabase('e2e_oneshot');
    const pool = createPool(oneShot.url);
    await runIngest(
      { pool, logger: memoryLogger().logger, config: parseConfig({ DATABASE_URL: oneShot.url }, env.root) },
      [CHALLENGE_DIR],
      env.root,
    );
    await pool.end();
  }, 120_000);
  afterAll(async () => {
    if (child && child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    await oneShot?.drop();
    await env?.cleanup();
  });

  it('loads the dropped challenge files and serves the results', async () => {
    for (const name of ['data_group_1.csv', 'data_group_2.csv', 'data_group_3.csv']) {
      await copyFile(path.join(CHALLENGE_DIR, name), path.join(env.dirs.watch, name));
    }
    await waitFor(
      '3 files done',
      async () => (await get('/files')).body.items?.filter((f: any) => f.status === 'done').length === 3,
      60_000,
    );
    await waitFor(
      '31 daily windows of turbine 1',
      async () => {
        const { status, body } = await get('/turbines/1/stats?limit=100');
        return status === 200 && body.items.length === 31;
      },
      60_000,
    );

    const files = (await get('/files')).body.items;
    expect(files.map((f: any) => [path.basename(f.path), f.status, f.rowsLoaded]).sort()).toEqual([
      ['data_group_1.csv', 'done', 3720],
      ['data_group_2.csv', 'done', 3720],
      ['data_group_3.csv', 'done', 3720],
    ]);
    const turbines = (await get('/turbines')).body.items;
    expect(turbines.map((t: any) => t.id)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    const summary = await get('/turbines/1/summary?from=2022-03-01T00:00:00Z&to=2022-03-02T00:00:00Z');
    expect(summary).toEqual({
      status: 200,
      body: {
        turbineId: 1,
        turbineName: '1',
        from: '2022-03-01T00:00:00.000Z',
        to: '2022-03-02T00:00:00.000Z',
        count: 24,
        min: 1.6,
        max: 4.4,
        mean: 2.975,
      },
    });
  });

  it('serves the same anomalies of every kind as the one-shot ingest stores', async () => {
    // Wait for a stats run that saw all three files: the window count is then complete.
    await waitFor('465 windows', async () => (await all('/stats')).length === 465, 60_000);
    const live = await all('/anomalies');
    const pool = createPool(oneShot.url);
    const { rows } = await pool.query(`SELECT kind, turbine_id, window_start, ts, value FROM anomaly WHERE window_seconds = 86400`);
    await pool.end();
    const key = (kind: string, turbine: number, start: string, ts: string | null) => `${kind}|${turbine}|${start}|${ts ?? ''}`;
    expect(live.map((a) => key(a.kind, a.turbineId, a.windowStart, a.ts)).sort()).toEqual(
      rows.map((r) => key(r.kind, r.turbine_id, r.window_start.toISOString(), r.ts?.toISOString() ?? null)).sort(),
    );
    // The challenge files follow no power curve, yet some windows fall below it by chance.
    expect(new Set(live.map((a) => a.kind))).toEqual(new Set(['reading', 'turbine', 'underperformance']));
  });

  it('guards Bull Board with basic auth', async () => {
    expect((await get('/admin/queues')).status).toBe(401);
    expect((await get('/admin/queues', { authorization: `Basic ${Buffer.from('operator:wrong').toString('base64')}` })).status).toBe(401);
    const page = await get('/admin/queues', { authorization: auth });
    expect(page.status).toBe(200);
    expect(String(page.body)).toContain('<html');
  });

  it('stops cleanly on SIGTERM', async () => {
    child.process.kill('SIGTERM');
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(child.output()).toContain('"msg":"stopped"');
  });
});
