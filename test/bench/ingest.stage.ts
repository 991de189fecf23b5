import path from 'node:path';
import { REPO_ROOT } from '../helpers/paths.js';
import { startChild } from './bench-child.js';
import { childEnv, type BenchContext } from './bench-context.js';
import { dropDatabase, loadedCounts, type BenchDatabase } from './bench-db.js';
import { fileLoads, growth, growthSegmentRows, statsRuns, sumBreakdown } from './load-log.js';
import type { IngestRun } from './report.js';
import { startRssSampler } from './rss-sampler.js';

/**
 * The one-shot path exactly as a user types it: `npm run ingest -- <folder>` on a database that
 * does not exist yet, timed from spawn to exit (npm, Node, creating and migrating the database,
 * every file, the stats run, the summary). The product's own log lines say where the time went.
 */

export async function runIngest(
  ctx: BenchContext,
  dir: string,
  db: BenchDatabase,
  attempt: number,
  /** `label` names the log file (`<label>-<attempt>.log`); `env` adds settings (the wide stage's INPUT_PROFILES). */
  options: { label?: string; env?: Record<string, string> } = {},
): Promise<IngestRun> {
  const logFile = path.join(ctx.runDir, `${options.label ?? 'ingest'}-${attempt}.log`);
  await dropDatabase(db);
  const child = startChild('npm', ['run', '--silent', 'ingest', '--', dir], {
    cwd: REPO_ROOT,
    env: childEnv({ ...options.env, DATABASE_URL: db.url }),
    logFile,
  });
  const sampler = startRssSampler(child.pid);
  const exit = await child.exited;
  const rss = await sampler.stop();
  const wallMs = exit.endedAt - child.startedAt;
  if (exit.code !== 0) ctx.say(`ingest: npm run ingest exited with code ${exit.code}; see ${logFile}`);

  // Logs go to stderr (the summary table owns stdout).
  const loads = fileLoads(child.stderr);
  const breakdown = sumBreakdown(loads);
  const lastStats = statsRuns(child.stderr).at(-1);
  const stats = lastStats ? { durationMs: lastStats.durationMs, windows: lastStats.windowsComputed } : null;
  const firstStart = loads.length > 0 ? Math.min(...loads.map((l) => l.time - l.ms)) : null;
  const startupMs = firstStart === null ? 0 : Math.max(0, firstStart - child.startedAtEpoch);
  const otherMs = Math.max(0, wallMs - startupMs - breakdown.wallMs - (stats?.durationMs ?? 0));

  return {
    wallMs,
    exitCode: exit.code,
    startupMs,
    breakdown,
    stats,
    otherMs,
    growth: growth(loads, growthSegmentRows(breakdown.rows)),
    rss,
    database: await loadedCounts(db.url),
  };
}
