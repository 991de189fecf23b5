import { execFileSync } from 'node:child_process';
import { copyFile, lstat, mkdir, mkdtemp, readFile, readdir, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Job } from 'bullmq';
import { startInProcess, type InProcessPipeline } from '../helpers/in-process.js';
import { createCleanRunner } from '@windmill/core/ingest/clean-runner';
import { queueFile } from '@windmill/core/ingest/ingested-file.repository';
import { createPool, type Pool } from '@windmill/core/db/pool';
import { createIngestProcessor } from '@windmill/worker/ingest-file.processor';
import { runEntry, type Child } from '../helpers/child-process.js';
import { CHALLENGE_DIR } from '../helpers/paths.js';
import { ledgerRow, readLedger } from '../helpers/ledger.js';
import { createPipelineEnv, type PipelineEnv } from '../helpers/pipeline-env.js';
import { waitForScans } from '../helpers/scans.js';
import { memoryLogger } from '../helpers/silent-logger.js';
import { waitFor } from '../helpers/wait.js';

/**
 * An inbox someone hostile can write to: FIFOs, a socket, links to /etc/passwd, to a CSV outside
 * the inbox, to a folder outside it, back to the inbox itself and to themselves. The watcher and
 * the worker run as real processes. Nothing outside the inbox is read, moved or shown; each
 * special entry is logged once with its reason; a real file dropped next to them is loaded; and
 * SIGTERM still ends both processes. (On main, four FIFOs blocked libuv's four threads in open():
 * nothing was queued any more and SIGTERM did not end the watcher.)
 */
const HEADER = 'timestamp,turbine_id,power_output';

describe('a hostile inbox', () => {
  let env: PipelineEnv;
  let outside: string;
  let socket: Server;
  let watcher: Child | undefined;
  let worker: Child | undefined;
  let pool: Pool;

  beforeAll(async () => {
    env = await createPipelineEnv('hostile_inbox', { LOG_LEVEL: 'info' });
    pool = createPool(env.db.url);
    outside = await mkdtemp(path.join(tmpdir(), 'windmill-outside-'));
    await writeFile(path.join(outside, 'secret.csv'), `${HEADER}\n2022-03-01 00:00:00,1,2.5\nTOP-SECRET-LINE,x,y\n`);
    await writeFile(path.join(outside, 'other.csv'), `${HEADER}\n2022-03-02 00:00:00,1,2.5\n`);
  });
  afterAll(async () => {
    for (const child of [watcher, worker]) {
      if (child && child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
      await child?.exited;
    }
    await new Promise((resolve) => socket?.close(resolve));
    await pool.end();
    await env.cleanup();
    await rm(outside, { recursive: true, force: true });
  });

  it('refuses every special entry once, loads the real file, and still stops on SIGTERM', async () => {
    const inbox = env.dirs.watch;
    await mkdir(inbox, { recursive: true });
    // Present at start-up: the initial scan meets them.
    for (let i = 0; i < 4; i++) execFileSync('mkfifo', [path.join(inbox, `fifo${i}.csv`)]);
    await symlink('/etc/passwd', path.join(inbox, 'passwd.csv'));
    await symlink(path.join(outside, 'secret.csv'), path.join(inbox, 'outside.csv'));
    await symlink(outside, path.join(inbox, 'dirlink'));
    await symlink(inbox, path.join(inbox, 'loop'));
    await symlink('self.csv', path.join(inbox, 'self.csv'));
    socket = createServer();
    await new Promise<void>((resolve) => socket.listen(path.join(inbox, 'socket.csv'), resolve));

    // At debug level the watcher logs each folder scan, which the test waits for.
    watcher = runEntry('apps/watcher/dist/main.js', { ...env.env, LOG_LEVEL: 'debug' });
    worker = runEntry('apps/worker/dist/main.js', env.env);
    await waitFor('the watcher to be watching', () => watcher!.output().includes('watching folder'), 30_000);

    // Arriving while it runs: the event path meets them.
    for (let i = 0; i < 2; i++) execFileSync('mkfifo', [path.join(inbox, `late${i}.csv`)]);
    await symlink('/etc/passwd', path.join(inbox, 'late-passwd.csv'));
    await copyFile(path.join(CHALLENGE_DIR, 'data_group_1.csv'), path.join(inbox, 'good.csv'));

    const ledger = () => readLedger(pool, ['path', 'status', 'error']);
    await waitFor('good.csv loaded', async () => (await ledger()).some((r) => r.status === 'done'), 30_000);
    await waitForScans(watcher, 2); // two more folder scans: nothing is refused (or logged) twice

    expect(await ledger()).toEqual([{ path: path.join(inbox, 'good.csv'), status: 'done', error: null }]);
    expect(await readdir(env.dirs.processed)).toEqual(['good.csv']);
    expect(await readdir(env.dirs.failed).catch(() => [])).toEqual([]);

    const refusals = watcher
      .output()
      .split('\n')
      .filter((l) => l.includes('file refused'))
      .map((l) => JSON.parse(l) as { file: string; reason: string; err: string });
    const byFile = refusals.map((r) => `${path.basename(r.file)} ${r.reason}`).sort();
    expect(byFile).toEqual(
      [
        'fifo0.csv fifo',
        'fifo1.csv fifo',
        'fifo2.csv fifo',
        'fifo3.csv fifo',
        'late0.csv fifo',
        'late1.csv fifo',
        'late-passwd.csv symlink',
        'outside.csv symlink',
        'passwd.csv symlink',
        'self.csv symlink',
        'socket.csv socket',
      ].sort(),
    );
    expect(refusals.find((r) => r.file.endsWith('/passwd.csv'))?.err).toBe(
      'refused: passwd.csv is a symbolic link; Windmill reads only regular files inside WATCH_DIR',
    );

    // Nothing of what the links point to was read, moved or shown.
    const everything = watcher.output() + worker.output();
    expect(everything).not.toMatch(/root:x:0|TOP-SECRET|other\.csv|dirlink\/|loop\//);
    expect((await readdir(outside)).sort()).toEqual(['other.csv', 'secret.csv']);
    expect((await pool.query(`SELECT count(*)::int AS n FROM rejected_row`)).rows[0].n).toBe(0);
    for (const name of ['passwd.csv', 'fifo0.csv', 'socket.csv']) expect((await lstat(path.join(inbox, name))).isFile()).toBe(false);

    // SIGTERM still ends both: no thread is stuck in open() on a FIFO.
    const stopping = Date.now();
    watcher.process.kill('SIGTERM');
    worker.process.kill('SIGTERM');
    expect(await watcher.exited).toEqual({ code: 0, signal: null });
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - stopping).toBeLessThan(10_000);
  }, 90_000);
});

/**
 * The watcher queued a regular file, and before the worker reads it the entry is swapped for
 * something else: the worker refuses it the same way, records the reason without any content,
 * and leaves the entry where it is (moving or copying it could follow the link).
 */
describe('an entry swapped after it was queued', () => {
  let env: PipelineEnv;
  let outside: string;
  const { logger } = memoryLogger();
  const cleaner = createCleanRunner(0);

  beforeAll(async () => {
    env = await createPipelineEnv('swapped_entry');
    outside = await mkdtemp(path.join(tmpdir(), 'windmill-outside-'));
    await writeFile(path.join(outside, 'secret.csv'), `${HEADER}\nTOP-SECRET,1,2\n`);
    await mkdir(env.dirs.watch, { recursive: true });
  });
  afterAll(async () => {
    await cleaner.close();
    await env.cleanup();
    await rm(outside, { recursive: true, force: true });
  });

  it.each([
    ['passwd.csv', (p: string) => symlink('/etc/passwd', p), /refused: passwd\.csv is a symbolic link/],
    ['secret.csv', (p: string) => symlink(path.join(outside, 'secret.csv'), p), /refused: secret\.csv is a symbolic link/],
    ['pipe.csv', (p: string) => Promise.resolve(execFileSync('mkfifo', [p])).then(() => undefined), /pipe\.csv is not a regular file/],
    [
      'sub/secret.csv',
      (p: string) => symlink(outside, path.dirname(p)),
      /refused: secret\.csv is a path that resolves outside the watched folder/,
    ],
  ])('%s', async (name, swap, reason) => {
    const pool = createPool(env.db.url);
    try {
      const file = path.join(env.dirs.watch, name);
      const { id } = await queueFile(pool, file, null, null);
      await swap(file);
      const processor = createIngestProcessor({
        pool,
        logger,
        cleaner,
        settings: { timeZone: 'UTC', bounds: { windSpeedMax: 50, powerMin: 0, powerMax: 20 }, maxGapSeconds: 7200 },
        dirs: { processed: env.dirs.processed, failed: env.dirs.failed, deleteAfterIngest: false },
        inbox: env.dirs.watch,
      });
      const job = { id: `file-${id}`, data: { fileId: id, path: file }, queueName: 'ingest', attemptsMade: 0, opts: { attempts: 8 } };
      await expect(processor(job as unknown as Job)).rejects.toThrow(reason);
      const row = await ledgerRow(pool, id, ['status', 'error', 'final_path']);
      expect(row).toEqual({ status: 'failed', error: expect.stringMatching(reason), final_path: null });
      expect(row?.error).not.toMatch(/root:|TOP-SECRET/);
      expect(await readdir(env.dirs.failed).catch(() => [])).toEqual([]);
      expect((await pool.query(`SELECT count(*)::int AS n FROM rejected_row`)).rows[0].n).toBe(0);
      // Left in place, still what it was (for the linked folder: the link, and the file behind it).
      if (name.startsWith('sub/')) {
        expect((await lstat(path.dirname(file))).isSymbolicLink()).toBe(true);
        expect(await readdir(outside)).toEqual(['secret.csv']);
        await unlink(path.dirname(file));
      } else {
        expect((await lstat(file)).isFile()).toBe(false);
      }
    } finally {
      await pool.end();
    }
  });

  it('the outside file was never touched', async () => {
    expect(await readFile(path.join(outside, 'secret.csv'), 'utf8')).toContain('TOP-SECRET');
  });
});

/** WATCH_DIR may itself be a link (a mounted volume, say): its files are watched and loaded. */
describe('a WATCH_DIR that is a link to the real folder', () => {
  let env: PipelineEnv;
  let pipeline: InProcessPipeline | undefined;

  afterAll(async () => {
    await pipeline?.close();
    await env?.cleanup();
  });

  it('loads the files dropped into the real folder', async () => {
    env = await createPipelineEnv('linked_inbox');
    const real = path.join(env.root, 'real-inbox');
    await mkdir(real);
    await symlink(real, env.dirs.watch);
    pipeline = await startInProcess(env.config, memoryLogger().logger, { watcher: true, worker: true, scheduler: false, api: false });
    await copyFile(path.join(CHALLENGE_DIR, 'data_group_1.csv'), path.join(real, 'linked.csv'));
    await waitFor('linked.csv loaded', async () => (await readLedger(pipeline!.pool, ['status'])).some((r) => r.status === 'done'), 30_000);
    // Moved: in the processed folder and gone from the real one.
    await waitFor(
      'moved',
      async () =>
        (await readdir(env.dirs.processed).catch(() => [] as string[])).includes('linked.csv') && (await readdir(real)).length === 0,
    );
    expect(await readdir(real)).toEqual([]);
  }, 60_000);
});
