import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { WrittenFile } from '@windmill/core/generator/write-sample-data';
import { REPO_ROOT } from '../helpers/paths.js';
import { deleteKeys } from '../helpers/pipeline-env.js';
import { startChild, waitForLine } from './bench-child.js';
import { childEnv, type BenchContext } from './bench-context.js';
import { dropDatabase, type BenchDatabase } from './bench-db.js';
import { fileLoads, parseLogLine, sumBreakdown } from './load-log.js';
import { ratio, type WatcherSummary } from './report.js';
import { startRssSampler } from './rss-sampler.js';

/**
 * The watcher path: a running `npm start` (its own database, folders and queue prefix, API on a
 * free port) gets the same files renamed into its inbox at once, and the clock runs from the
 * drop until the first stats run that started after the last file was loaded has finished, read
 * from the ledger and stats_run tables. Settings other than those below are the defaults a user
 * gets, WATCH_STABLE_MS (2 s) included.
 */

const STATS_INTERVAL_SECONDS = '2';
const POLL_MS = 200;

interface Progress {
  finished: number;
  done: number;
  duplicate: number;
  failed: number;
  last: Date | null;
}

const PROGRESS_SQL = `
  SELECT count(*) FILTER (WHERE status IN ('done', 'duplicate', 'failed'))::int AS finished,
         count(*) FILTER (WHERE status = 'done')::int AS done,
         count(*) FILTER (WHERE status = 'duplicate')::int AS duplicate,
         count(*) FILTER (WHERE status = 'failed')::int AS failed,
         max(finished_at) AS last
    FROM ingested_file`;

const STATS_AFTER_SQL = `
  SELECT started_at, finished_at FROM stats_run
   WHERE status = 'done' AND started_at > $1 ORDER BY started_at LIMIT 1`;

export async function runWatcher(
  ctx: BenchContext,
  files: readonly WrittenFile[],
  lines: number,
  db: BenchDatabase,
  oneShotMs: number | null,
): Promise<WatcherSummary> {
  const root = path.join(ctx.runDir, 'watcher');
  const dirs = {
    staging: path.join(root, 'staging'),
    inbox: path.join(root, 'inbox'),
    processed: path.join(root, 'processed'),
    failed: path.join(root, 'failed'),
  };
  await mkdir(dirs.staging, { recursive: true });
  ctx.discard(`folder ${root}`, () => rm(root, { recursive: true, force: true }));
  // Copies first, untimed, on the same file system as the inbox: the drop itself is a rename.
  for (const file of files) await copyFile(file.path, path.join(dirs.staging, path.basename(file.path)));

  await dropDatabase(db);
  ctx.discard(`database ${db.name}`, () => dropDatabase(db));
  const prefix = `windmill_bench_${ctx.runId}`;
  ctx.discard(`Redis keys ${prefix}:*`, () => deleteKeys(prefix));
  const settings = {
    DATABASE_URL: db.url,
    QUEUE_PREFIX: prefix,
    WATCH_DIR: dirs.inbox,
    PROCESSED_DIR: dirs.processed,
    FAILED_DIR: dirs.failed,
    API_PORT: '0',
    STATS_INTERVAL_SECONDS,
    BOARD_PASSWORD: '',
  };
  const child = startChild('npm', ['run', '--silent', 'start'], {
    cwd: REPO_ROOT,
    env: childEnv(settings),
    logFile: path.join(ctx.runDir, 'watcher.log'),
  });
  const sampler = startRssSampler(child.pid);
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  pool.on('error', () => undefined); // an idle connection cut by Ctrl-C's DROP DATABASE ... WITH (FORCE)
  try {
    await waitForLine(child, (line) => parseLogLine(line)?.msg === 'windmill is running', 120_000);
    const t0 = Date.now();
    for (const file of files)
      await rename(path.join(dirs.staging, path.basename(file.path)), path.join(dirs.inbox, path.basename(file.path)));

    const deadline = t0 + 120_000 + lines * 0.1;
    let progress: Progress | undefined;
    let statsRun: { started_at: Date; finished_at: Date } | undefined;
    while (!statsRun) {
      if (Date.now() > deadline)
        throw new Error(`the watcher path did not finish in ${Math.round((deadline - t0) / 1000)} s: ${JSON.stringify(progress)}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      progress = (await pool.query<Progress>(PROGRESS_SQL)).rows[0]!;
      if (progress.finished < files.length || !progress.last) continue;
      statsRun = (await pool.query<{ started_at: Date; finished_at: Date }>(STATS_AFTER_SQL, [progress.last])).rows[0];
    }
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM stats_run WHERE status = 'done' AND started_at >= $1 AND started_at <= $2`,
      [new Date(t0), statsRun.started_at],
    );

    const elapsedMs = statsRun.finished_at.getTime() - t0;
    const loads = fileLoads(child.stdout);
    const firstStart = loads.length > 0 ? Math.min(...loads.map((l) => l.time - l.ms)) : null;
    await child.stop(40_000);
    return {
      elapsedMs,
      firstFileStartMs: firstStart === null ? null : firstStart - t0,
      lastFileDoneMs: progress!.last!.getTime() - t0,
      statsRunsDuringLoad: rows[0]!.n,
      rowsPerSec: (lines * 1000) / elapsedMs,
      ratioToOneShot: ratio(elapsedMs, oneShotMs),
      files: { done: progress!.done, duplicate: progress!.duplicate, failed: progress!.failed },
      breakdown: sumBreakdown(loads),
      rss: await sampler.stop(),
      settings: {
        ...settings,
        DATABASE_URL: db.name,
        WATCH_DIR: path.relative(REPO_ROOT, dirs.inbox),
        PROCESSED_DIR: '…/processed',
        FAILED_DIR: '…/failed',
      },
    };
  } finally {
    await pool.end();
    await child.stop(10_000);
    await sampler.stop();
  }
}
