import { copyFile, readFile, readdir, rename, writeFile, appendFile } from 'node:fs/promises';
import path from 'node:path';
import { startInProcess, type InProcessPipeline } from '../helpers/in-process.js';
import { createPipelineEnv, type PipelineEnv } from '../helpers/pipeline-env.js';
import { CHALLENGE_DIR } from '../helpers/paths.js';
import { ledgerRow, readLedger } from '../helpers/ledger.js';
import { waitForScans } from '../helpers/scans.js';
import { memoryLogger } from '../helpers/silent-logger.js';
import { sleep, waitFor } from '../helpers/wait.js';

/** The live path: files dropped into the watched folder, in-process watcher and workers, real Redis and Postgres. */
describe('watched folder -> queue -> worker', () => {
  let env: PipelineEnv;
  let pipeline: InProcessPipeline;
  const log = memoryLogger();

  beforeAll(async () => {
    env = await createPipelineEnv('watch');
    pipeline = await startInProcess(env.config, log.logger, { watcher: true, worker: true, scheduler: false, api: false });
  });
  afterAll(async () => {
    await pipeline?.close();
    await env?.cleanup();
  });

  const ledger = () => readLedger(pipeline.pool, ['path', 'status', 'rows_total', 'rows_loaded']);
  const readingCount = async () => (await pipeline.pool.query(`SELECT count(*)::int AS n FROM reading`)).rows[0].n as number;
  const statusOf = async (name: string) => (await readLedger(pipeline.pool, ['status'], { name })).map((r) => r.status);
  const finished = (name: string, status = 'done') => waitFor(`${name} ${status}`, async () => (await statusOf(name)).includes(status));

  it('loads a file copied in, one renamed in, and one written slowly in two parts, each exactly once', async () => {
    const source = path.join(CHALLENGE_DIR, 'data_group_1.csv');
    await copyFile(source, path.join(env.dirs.watch, 'copied.csv'));

    const text = await readFile(path.join(CHALLENGE_DIR, 'data_group_2.csv'), 'utf8');
    await writeFile(path.join(env.dirs.watch, 'renamed.csv.part'), text);
    await rename(path.join(env.dirs.watch, 'renamed.csv.part'), path.join(env.dirs.watch, 'renamed.csv'));

    const slow = await readFile(path.join(CHALLENGE_DIR, 'data_group_3.csv'), 'utf8');
    const half = slow.indexOf('\n', slow.length / 2) + 1;
    await writeFile(path.join(env.dirs.watch, 'slow.csv'), slow.slice(0, half));
    await sleep(150); // less than WATCH_STABLE_MS: the writer is still busy
    await appendFile(path.join(env.dirs.watch, 'slow.csv'), slow.slice(half));

    for (const name of ['copied.csv', 'renamed.csv', 'slow.csv']) await finished(name);
    await waitFor('files moved', async () => (await readdir(env.dirs.processed)).length === 3);
    await waitForScans(log.lines, 1); // one more reconciliation scan must not queue anything again

    const rows = await ledger();
    expect(rows.map((r) => [path.basename(r.path), r.status, r.rows_total, r.rows_loaded])).toEqual(
      expect.arrayContaining([
        ['copied.csv', 'done', 3720, 3720],
        ['renamed.csv', 'done', 3720, 3720],
        ['slow.csv', 'done', 3720, 3720],
      ]),
    );
    expect(rows).toHaveLength(3);
    expect(await readingCount()).toBe(11160);
    // A file leaves the inbox just after its ledger row is done and its place recorded.
    await waitFor('the inbox to be empty', async () => (await readdir(env.dirs.watch)).length === 0);
    expect((await readdir(env.dirs.processed)).sort()).toEqual(['copied.csv', 'renamed.csv', 'slow.csv']);
    expect(await readdir(env.dirs.watch)).toEqual([]);
  });

  it('ignores hidden files and partial-write names', async () => {
    for (const name of ['.hidden.csv', 'upload.csv.tmp', 'upload.csv.part', 'upload.csv.crdownload', 'notes.txt']) {
      await writeFile(path.join(env.dirs.watch, name), 'timestamp,turbine_id,power_output\n2022-03-01 00:00:00,1,1\n');
    }
    await waitForScans(log.lines, 2); // long after their writes settled: nothing was queued by event or by scan
    expect((await ledger()).some((r) => /hidden|upload|notes/.test(r.path))).toBe(false);
  });

  it('moves a broken file to the failed folder with its explanation', async () => {
    await writeFile(path.join(env.dirs.watch, 'broken.csv'), 'time,turbine,power\n2022-03-01 00:00:00,1,2.0\n');
    await finished('broken.csv', 'failed');
    // The row is failed first (in the load's transaction), the file moved right after.
    await waitFor('broken.csv moved', async () => (await readdir(env.dirs.failed).catch(() => [] as string[])).includes('broken.csv'));
    const explanation = JSON.parse(await readFile(path.join(env.dirs.failed, 'broken.csv.error.json'), 'utf8'));
    expect(explanation.error).toMatch(/missing required columns timestamp, turbine_id, power_output/);
    expect(await readdir(env.dirs.failed)).toEqual(expect.arrayContaining(['broken.csv', 'broken.csv.error.json']));
    const row = await ledgerRow(pipeline.pool, 'broken.csv', ['error']);
    expect(row?.error).toBe(explanation.error);
  });

  it('records the same content under another name as a duplicate and adds nothing', async () => {
    const before = await readingCount();
    await copyFile(path.join(CHALLENGE_DIR, 'data_group_1.csv'), path.join(env.dirs.watch, 'copy-again.csv'));
    await finished('copy-again.csv', 'duplicate');
    expect(await readingCount()).toBe(before);
    await waitFor('duplicate moved', async () => (await readdir(env.dirs.processed)).includes('copy-again.csv'));
  });

  it('loads only the appended day when the same path comes back grown', async () => {
    const lines = (await readFile(path.join(CHALLENGE_DIR, 'data_group_1.csv'), 'utf8')).trimEnd().split('\n');
    // Turbines 1-5, hourly: the first two days are lines 1..240 after the header. Shift to 2023 so they are new readings.
    const shifted = lines.slice(1, 241).map((l) => l.replace(/^2022/, '2023'));
    const firstDay = `${lines[0]}\n${shifted.slice(0, 120).join('\n')}\n`;
    const bothDays = `${firstDay}${shifted.slice(120).join('\n')}\n`;
    const before = await readingCount();

    await writeFile(path.join(env.dirs.watch, 'daily.csv'), firstDay);
    await finished('daily.csv');
    await waitFor('first version moved', async () => !(await readdir(env.dirs.watch)).includes('daily.csv'));
    await writeFile(path.join(env.dirs.watch, 'daily.csv'), bothDays);
    await waitFor('second version loaded', async () => (await statusOf('daily.csv')).filter((s) => s === 'done').length === 2);

    const rows = await readLedger(pipeline.pool, ['id', 'rows_total', 'rows_loaded', 'append_of_id', 'start_offset'], {
      name: 'daily.csv',
    });
    expect(rows.map((r) => [r.rows_total, r.rows_loaded])).toEqual([
      [120, 120],
      [120, 120],
    ]);
    expect(rows[1]!.append_of_id).toBe(rows[0]!.id);
    expect(Number(rows[1]!.start_offset)).toBe(Buffer.byteLength(firstDay));
    expect(await readingCount()).toBe(before + 240);
    // The appended lines keep their line numbers in the whole file: a rejection there would say line 122 and on.
  });
});
