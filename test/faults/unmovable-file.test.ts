import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { apiClient } from '../helpers/api-client.js';
import { startInProcess, type InProcessPipeline } from '../helpers/in-process.js';
import { readLedger } from '../helpers/ledger.js';
import { createPipelineEnv, type PipelineEnv } from '../helpers/pipeline-env.js';
import { waitForScans } from '../helpers/scans.js';
import { memoryLogger } from '../helpers/silent-logger.js';
import { waitFor } from '../helpers/wait.js';

/**
 * A loaded file that cannot leave the inbox (issue 21, item 1), the damage done for real: the
 * processed folder a read-only bind mount, a full tmpfs, or the inbox files immutable (chattr +i).
 * On main the ledger said `done` with a final_path where no file was, every folder scan added a
 * `duplicate` row and a job that used up its attempts, and giving up logged nothing at error level.
 *
 * Here: one ledger row per file, saying the file is in the inbox and why (move_error); one error
 * line per file; the move retried with backoff, using no attempt (INGEST_ATTEMPTS is 2 here), and
 * folder scans adding nothing; /health degraded with the count; once the folder takes files again,
 * each moves and its row records where.
 *
 * Needs root (mount, chattr). Mounts and flags are undone in afterAll, also after a failure; the
 * immutable-file variant is skipped, saying why, where the temporary folder's file system has no
 * immutable flag.
 */

const HEADER = 'timestamp,turbine_id,power_output';
const FILES: Record<string, string> = {
  'a.csv': `${HEADER}\n2022-03-01 00:00:00,1,2.5\n2022-03-01 01:00:00,1,2.75\n2022-03-01 02:00:00,1,3\n`,
  'b.csv': `${HEADER}\n2022-03-02 00:00:00,2,1.5\n2022-03-02 01:00:00,2,1.25\n`,
};
const MOVE_REFUSED = 'file cannot be moved out of the inbox: it stays there and the move is retried until it succeeds';
const MOVE_REFUSED_AGAIN = 'file still cannot be moved out of the inbox';
const MOVED_AT_LAST = 'file moved out of the inbox after waiting';

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: 'pipe' });

/** Whether this machine lets the test set the immutable flag on a file in the temporary folder. */
function chattrSupport(): { ok: true } | { ok: false; why: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'windmill-chattr-'));
  const probe = path.join(dir, 'probe');
  try {
    writeFileSync(probe, 'x');
    run('chattr', ['+i', probe]);
    run('chattr', ['-i', probe]);
    return { ok: true };
  } catch (error) {
    return { ok: false, why: ((error as { stderr?: Buffer }).stderr?.toString() || (error as Error).message).trim() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One way to make the move impossible, and to undo it. `processed` is PROCESSED_DIR. */
interface Damage {
  name: string;
  /** The errno the move meets, as recorded in move_error. */
  code: RegExp;
  /** Before the pipeline starts: the processed folder as the damage wants it. */
  prepare(root: string, processed: string): void;
  /** Once the files are in the inbox (for chattr: the files themselves). */
  strike(files: string[]): void;
  heal(processed: string, files: string[]): void;
  /** afterAll, also after a failure: every mount and flag gone, so the folder can be deleted. */
  cleanup(processed: string, files: string[]): void;
}

const unmount = (dir: string) => {
  try {
    run('umount', [dir]);
  } catch {
    try {
      run('umount', ['-l', dir]); // still busy: detach it now, freed when the last user goes
    } catch {
      // not mounted (the set-up failed before mounting)
    }
  }
};

const damages: Damage[] = [
  {
    name: 'PROCESSED_DIR is a read-only bind mount (EROFS)',
    code: /EROFS/,
    prepare(root, processed) {
      const real = path.join(root, 'processed-real');
      mkdirSync(real);
      mkdirSync(processed);
      run('mount', ['--bind', real, processed]);
      run('mount', ['-o', 'remount,ro,bind', processed]);
    },
    strike() {},
    heal(processed) {
      run('mount', ['-o', 'remount,rw,bind', processed]);
    },
    cleanup: (processed) => unmount(processed),
  },
  {
    name: 'PROCESSED_DIR is a full tmpfs (ENOSPC)',
    code: /ENOSPC/,
    prepare(_root, processed) {
      mkdirSync(processed);
      run('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', processed]);
      try {
        writeFileSync(path.join(processed, 'filler'), Buffer.alloc(1 << 20));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
    },
    strike() {},
    heal(processed) {
      rmSync(path.join(processed, 'filler'));
    },
    cleanup: (processed) => unmount(processed),
  },
  {
    name: 'the inbox files are immutable (chattr +i: EPERM)',
    code: /EPERM/,
    prepare(_root, processed) {
      mkdirSync(processed);
    },
    strike(files) {
      for (const f of files) run('chattr', ['+i', f]);
    },
    heal(_processed, files) {
      for (const f of files) run('chattr', ['-i', f]);
    },
    cleanup(_processed, files) {
      for (const f of files) {
        try {
          run('chattr', ['-i', f]);
        } catch {
          // gone, or never made immutable
        }
      }
    },
  },
];

const chattr = chattrSupport();
if (!chattr.ok) {
  console.warn(`unmovable-file: chattr +i is not supported on ${tmpdir()} (${chattr.why}); the immutable-file variant is skipped`);
}

describe.each(damages)('a loaded file that cannot be moved: $name', (damage) => {
  const skip = damage.code.source === 'EPERM' && !chattr.ok;
  let env: PipelineEnv;
  let pipeline: InProcessPipeline | undefined;
  const { logger, lines } = memoryLogger('test', 'debug');
  let files: string[] = [];

  beforeAll(async () => {
    if (skip) return;
    env = await createPipelineEnv('unmovable', {
      INGEST_ATTEMPTS: '2',
      INGEST_BACKOFF_MS: '200',
      OUTAGE_BACKOFF_MAX_SECONDS: '1',
      RECONCILE_INTERVAL_SECONDS: '1',
    });
    files = Object.keys(FILES).map((name) => path.join(env.dirs.watch, name));
    damage.prepare(env.root, env.dirs.processed);
    await mkdir(env.dirs.watch, { recursive: true });
    pipeline = await startInProcess(env.config, logger, { watcher: true, worker: true, api: true });
  });
  afterAll(async () => {
    if (skip) return;
    try {
      await pipeline?.close();
    } finally {
      if (env) {
        damage.cleanup(env.dirs.processed, files);
        await env.cleanup();
      }
    }
  });

  const ledger = () => readLedger(pipeline!.pool, ['path', 'status', 'rows_loaded', 'final_path', 'move_error'], { orderBy: 'path' });
  const logged = (msg: string, file?: string) => lines().filter((l) => l.msg === msg && (file === undefined || l.file === file));
  const api = apiClient(() => pipeline!.api!.url);
  const health = () => api.get('/health');

  (skip ? it.skip : it)(
    'keeps one row per file saying where it is and why, retries the move, and moves it once the folder takes it',
    async () => {
      // Dropped whole: written beside the inbox, then renamed in.
      for (const [name, content] of Object.entries(FILES)) {
        const staged = path.join(env.root, `${name}.part`);
        await writeFile(staged, content);
        await rm(path.join(env.dirs.watch, name), { force: true });
        await rename(staged, path.join(env.dirs.watch, name));
      }
      damage.strike(files);

      // Loaded, and then held in the inbox: the ledger says so.
      await waitFor(
        'both files loaded and waiting to be moved',
        async () => {
          const rows = await ledger();
          return rows.length === 2 && rows.every((r) => r.status === 'done' && r.move_error !== null) && rows;
        },
        60_000,
      ).catch(async (error: Error) => {
        const seen = { ledger: await ledger(), inbox: await readdir(env.dirs.watch), log: lines().filter((l) => Number(l.level) >= 40) };
        throw new Error(`${error.message}; last seen: ${JSON.stringify(seen)}`);
      });
      let rows = await ledger();
      expect(rows).toEqual(
        files.map((f, i) => ({
          path: f,
          status: 'done',
          rows_loaded: i === 0 ? 3 : 2,
          final_path: f,
          move_error: expect.stringMatching(damage.code),
        })),
      );
      expect((await readdir(env.dirs.watch)).sort()).toEqual(['a.csv', 'b.csv']);
      expect((await readdir(env.dirs.processed)).filter((n) => n !== 'filler')).toEqual([]);
      expect(await health()).toEqual({ status: 200, body: expect.objectContaining({ status: 'degraded', files: { awaitingMove: 2 } }) });

      // Nothing more happens while the folder refuses: wait for three more folder scans and two
      // more failed moves of each file (events, not a fixed sleep), then look again.
      const retriesBefore = files.map((f) => logged(MOVE_REFUSED_AGAIN, f).length);
      await Promise.all([
        waitForScans(lines, 3),
        waitFor(
          'two more tries to move each file',
          () => files.every((f, i) => logged(MOVE_REFUSED_AGAIN, f).length >= retriesBefore[i]! + 2),
          30_000,
        ),
      ]);
      expect(await ledger()).toEqual(rows);
      for (const f of files) {
        const errors = logged(MOVE_REFUSED, f);
        expect(errors).toHaveLength(1);
        expect(errors[0]).toMatchObject({ level: 50, finalPath: f, code: expect.stringMatching(damage.code) });
      }
      // No attempt was used up: nothing failed, gave up, or was recorded as a duplicate of itself.
      expect(lines().filter((l) => /gave up|job failed|attempt failed|duplicate/.test(String(l.msg)))).toEqual([]);
      expect(lines().filter((l) => Number(l.level) >= 50 && l.msg !== MOVE_REFUSED)).toEqual([]);

      // The folder takes files again: each moves, and its row says where.
      damage.heal(env.dirs.processed, files);
      await waitFor(
        'both files moved',
        async () => (await ledger()).every((r) => r.move_error === null && r.final_path !== r.path),
        30_000,
      );
      rows = await ledger();
      expect(rows).toEqual(
        files.map((f, i) => ({
          path: f,
          status: 'done',
          rows_loaded: i === 0 ? 3 : 2,
          final_path: path.join(env.dirs.processed, path.basename(f)),
          move_error: null,
        })),
      );
      expect((await readdir(env.dirs.processed)).sort()).toEqual(['a.csv', 'b.csv']);
      for (const [name, content] of Object.entries(FILES))
        expect(await readFile(path.join(env.dirs.processed, name), 'utf8')).toBe(content);
      await waitFor('the inbox empty', async () => (await readdir(env.dirs.watch)).length === 0);
      for (const f of files) expect(logged(MOVED_AT_LAST, f)).toHaveLength(1);
      expect(await health()).toEqual({ status: 200, body: expect.objectContaining({ status: 'ok', files: { awaitingMove: 0 } }) });
      expect((await pipeline!.pool.query(`SELECT count(*)::int AS n FROM reading`)).rows[0].n).toBe(5);

      // And the scans that follow add nothing either.
      await waitForScans(lines, 2);
      expect(await ledger()).toEqual(rows);
    },
    120_000,
  );
});
