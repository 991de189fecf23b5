import { appendFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Job } from 'bullmq';
import { startInProcess, type InProcessPipeline } from '../helpers/in-process.js';
import { runIngest } from '@windmill/core/ingest/batch-ingest';
import { createCleanRunner, type CleanRunner } from '@windmill/core/ingest/clean-runner';
import { queueFile } from '@windmill/core/ingest/ingested-file.repository';
import { createIngestProcessor, type IngestProcessorDeps } from '@windmill/worker/ingest-file.processor';
import { createPipelineEnv, type PipelineEnv } from '../helpers/pipeline-env.js';
import { readLedger } from '../helpers/ledger.js';
import { waitForScans } from '../helpers/scans.js';
import { memoryLogger } from '../helpers/silent-logger.js';
import { sleep, waitFor } from '../helpers/wait.js';

/**
 * A slow writer: an exporter that appends one line at a time (`>>`: open, append, close) and
 * pauses longer than WATCH_STABLE_MS between lines. The watcher loads what is there each time and
 * moves it away, so each later append creates a new file at the same path holding only the new
 * line, without a header. On main each of those failed as having no header (11 of 12 lines lost);
 * here each is read as the continuation of the file loaded before at that path.
 */
describe('a slow writer appending past the stability wait', () => {
  let env: PipelineEnv;
  let pipeline: InProcessPipeline;
  const log = memoryLogger();

  beforeAll(async () => {
    env = await createPipelineEnv('slow_writer', { WATCH_STABLE_MS: '300', RECONCILE_INTERVAL_SECONDS: '1' });
    pipeline = await startInProcess(env.config, log.logger, { watcher: true, worker: true, scheduler: false, api: false });
  });
  afterAll(async () => {
    await pipeline?.close();
    await env?.cleanup();
  });

  it('loads every line once, with its line number in the whole file, and fails nothing', async () => {
    const file = path.join(env.dirs.watch, 'slow.csv');
    const header = 'timestamp,turbine_id,wind_speed,power_output\n';
    const lines = Array.from({ length: 12 }, (_, i) =>
      // Line 8 of the whole file (the 7th data line) has a bad turbine id: its rejection must say line 8.
      i === 6 ? `2022-03-01 06:00:00,x,5,2.5\n` : `2022-03-01 ${String(i).padStart(2, '0')}:00:00,1,5,${i}.5\n`,
    );
    await appendFile(file, header);
    for (const line of lines) {
      await sleep(900); // three times the stability wait: the watcher loads and moves what is there
      await appendFile(file, line);
    }

    const ledger = () =>
      readLedger(pipeline.pool, ['id', 'status', 'rows_total', 'rows_loaded', 'rows_rejected', 'append_of_id', 'final_path', 'error']);
    // A second event for a file that was just loaded may get a row of its own, recorded as a
    // duplicate of the first: bookkeeping, no readings, and the file is moved once.
    const loads = async () => (await ledger()).filter((r) => r.status !== 'duplicate');
    let lastSeen: unknown;
    await waitFor(
      'all 12 lines accounted for',
      async () => {
        const all = await ledger();
        const rows = all.filter((r) => r.status !== 'duplicate');
        lastSeen = {
          ledger: all,
          inbox: await readdir(env.dirs.watch),
          processed: await readdir(env.dirs.processed).catch(() => []),
        };
        return rows.every((r) => r.status === 'done') && rows.reduce((n, r) => n + r.rows_total, 0) === 12;
      },
      30_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last seen: ${JSON.stringify(lastSeen)}`);
    });
    await waitForScans(log.lines, 2); // further scans change nothing

    const rows = await loads();
    // The writer really was slow for the watcher: the file was loaded (and moved) many times.
    expect(rows.length).toBeGreaterThanOrEqual(6);
    expect(rows.filter((r) => r.status !== 'done')).toEqual([]);
    for (const r of rows) expect(r.final_path).toMatch(/processed\/slow(\.\d+)?\.csv$/);
    expect(rows.reduce((n, r) => n + r.rows_loaded, 0)).toBe(11);
    expect(rows.reduce((n, r) => n + r.rows_rejected, 0)).toBe(1);
    // Every load after the first continues the one before it.
    expect(rows.slice(1).map((r, i) => r.append_of_id === rows[i]!.id)).toEqual(rows.slice(1).map(() => true));
    const readings = (await pipeline.pool.query(`SELECT ts, power_output FROM reading WHERE turbine_id = 1 ORDER BY ts`)).rows;
    expect(readings.map((r) => r.power_output)).toEqual([0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 7.5, 8.5, 9.5, 10.5, 11.5]);
    const rejected = (await pipeline.pool.query(`SELECT line, raw, reason FROM rejected_row`)).rows;
    expect(rejected).toEqual([{ line: 8, raw: '2022-03-01 06:00:00,x,5,2.5', reason: 'bad_turbine_id' }]);

    // Nothing failed; the pieces are in the processed folder, and together they are the file.
    expect(await readdir(env.dirs.failed).catch(() => [])).toEqual([]);
    const pieces = await readdir(env.dirs.processed);
    expect(pieces).toHaveLength(rows.length);
    const byId = (name: string) => Number(/\.(\d+)\.csv$/.exec(name)?.[1] ?? 0);
    const joined = (
      await Promise.all(pieces.sort((a, b) => byId(a) - byId(b)).map((p) => readFile(path.join(env.dirs.processed, p), 'utf8')))
    ).join('');
    expect(joined).toBe(header + lines.join(''));
  }, 60_000);

  it('a line appended after the content was read is not carried off: the file stays for its next load', async () => {
    const file = path.join(env.dirs.watch, 'late-line.csv');
    await appendFile(file, 'timestamp,turbine_id,power_output\n2023-01-01 00:00:00,2,1.5\n');
    const { id } = await queueFile(pipeline.pool, file, null, null);
    const inner = createCleanRunner(0);
    // The writer appends while the load is between reading the file and committing it.
    const cleaner: CleanRunner = {
      run: async (task, emit, resolveTurbines) => {
        const result = await inner.run(task, emit, resolveTurbines);
        await appendFile(file, '2023-01-01 01:00:00,2,2.5\n');
        return result;
      },
      close: () => inner.close(),
    };
    try {
      const deps = {
        pool: pipeline.pool,
        logger: memoryLogger().logger,
        cleaner,
        settings: { timeZone: 'UTC', bounds: { windSpeedMax: 50, powerMin: 0, powerMax: 20 }, maxGapSeconds: 7200 },
        dirs: { processed: env.dirs.processed, failed: env.dirs.failed, deleteAfterIngest: false },
        inbox: env.dirs.watch,
      } as IngestProcessorDeps;
      const job = { id: `file-${id}`, data: { fileId: id, path: file }, queueName: 'ingest', attemptsMade: 0, opts: { attempts: 8 } };
      const result = await createIngestProcessor(deps)(job as unknown as Job);
      expect(result).toEqual({ fileId: id, status: 'done', finalPath: file });
      expect(await readFile(file, 'utf8')).toContain('2023-01-01 01:00:00');
    } finally {
      await cleaner.close();
    }
    // The watcher sees the change; the next load takes only the new line.
    await waitFor(
      'the appended line loaded',
      async () => (await pipeline.pool.query(`SELECT count(*)::int AS n FROM reading WHERE turbine_id = 2`)).rows[0].n === 2,
      20_000,
    );
    const rows = (await pipeline.pool.query(`SELECT id, rows_total, append_of_id FROM ingested_file WHERE path = $1 ORDER BY id`, [file]))
      .rows;
    expect(rows).toEqual([
      { id, rows_total: 1, append_of_id: null },
      { id: expect.any(Number), rows_total: 1, append_of_id: id },
    ]);
  }, 60_000);

  it('a continuation that grows is read, as an append, with the header kept in the ledger', async () => {
    // `npm run ingest` leaves files in place, so each stage is exactly what the test wrote.
    const dir = path.join(env.root, 'by-hand');
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, 'pieces.csv');
    const ingest = async () =>
      (await runIngest({ pool: pipeline.pool, logger: memoryLogger().logger, config: env.config }, [file], dir)).files[0]!.outcome;
    await writeFile(file, 'turbine_id,timestamp,power_output\n3,2024-01-01 00:00:00,1.5\n');
    expect(await ingest()).toMatchObject({ status: 'done', appendOfId: null });
    await writeFile(file, '3,2024-01-01 01:00:00,2.5\n'); // the writer's next file: no header
    expect(await ingest()).toMatchObject({ status: 'done', appendOfId: expect.any(Number), totals: { rowsLoaded: 1, lastLine: 3 } });
    await appendFile(file, '3,2024-01-01 02:00:00,3.5\nbad,2024-01-01 03:00:00,1\n'); // and it grows
    expect(await ingest()).toMatchObject({ status: 'done', totals: { rowsLoaded: 1, rowsRejected: 1, lastLine: 5 } });
    const { rows } = await pipeline.pool.query(`SELECT ts, power_output FROM reading WHERE turbine_id = 3 ORDER BY ts`);
    expect(rows.map((r) => r.power_output)).toEqual([1.5, 2.5, 3.5]);
    const rejected = await pipeline.pool.query(`SELECT line, reason FROM rejected_row WHERE raw LIKE 'bad,%'`);
    expect(rejected.rows).toEqual([{ line: 5, reason: 'bad_turbine_id' }]);
  });
});
