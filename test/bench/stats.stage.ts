import path from 'node:path';
import { REPO_ROOT } from '../helpers/paths.js';
import { startChild, type BenchChild } from './bench-child.js';
import { childEnv, type BenchContext } from './bench-context.js';
import type { BenchDatabase } from './bench-db.js';
import { fileLoads, statsRuns } from './load-log.js';
import type { RssPeak, StatsSummary } from './report.js';
import { startRssSampler } from './rss-sampler.js';
import { TYPESCRIPT_CHILD_ARGS } from '../helpers/child-process.js';

/**
 * The stats job on the database the ingest stage filled: first a full run over the whole history
 * (stats-job.child.ts forgets every earlier run, then runs computeStats), then one more day for
 * every turbine through `npm run ingest -- <day.csv>`, whose own stats run at the end is the
 * incremental run a one-day append costs. Figures are computeStats' own durationMs (connect,
 * lock, scope, delete, write, commit), from its JSON result and its 'stats run done' log line.
 */

async function runMeasured(
  ctx: BenchContext,
  label: string,
  command: string,
  args: string[],
  db: BenchDatabase,
): Promise<{ child: BenchChild; rss: RssPeak }> {
  const logFile = path.join(ctx.runDir, `stats-${label}.log`);
  const child = startChild(command, args, { cwd: REPO_ROOT, env: childEnv({ DATABASE_URL: db.url }), logFile });
  const sampler = startRssSampler(child.pid);
  const exit = await child.exited;
  const rss = await sampler.stop();
  if (exit.code !== 0) throw new Error(`the ${label} stats step failed with code ${exit.code}; see ${logFile}`);
  return { child, rss };
}

const larger = (a: RssPeak, b: RssPeak): RssPeak => ({
  ...(a.largestMb >= b.largestMb ? a : b),
  treeMb: Math.max(a.treeMb, b.treeMb),
  samples: a.samples + b.samples,
});

export async function runStatsStage(ctx: BenchContext, db: BenchDatabase, extraDayFile: string): Promise<StatsSummary> {
  const entry = path.join(REPO_ROOT, 'test/bench/stats-job.child.ts');
  const full = await runMeasured(ctx, 'full', process.execPath, [...TYPESCRIPT_CHILD_ARGS, entry], db);
  const result = JSON.parse(full.child.stdout.find((l) => l.startsWith('{')) ?? 'null') as {
    stats: { durationMs: number; windowsComputed: number; full: boolean };
    wallMs: number;
  } | null;
  if (!result?.stats.full) throw new Error(`the full stats run did not report a full run: ${full.child.stdout.join('\n')}`);

  const append = await runMeasured(ctx, 'append', 'npm', ['run', '--silent', 'ingest', '--', extraDayFile], db);
  const load = fileLoads(append.child.stderr).at(-1);
  const run = statsRuns(append.child.stderr).at(-1);
  if (!load || !run) throw new Error('npm run ingest of the extra day logged no file load or no stats run');

  return {
    full: { durationMs: result.stats.durationMs, wallMs: result.wallMs, windows: result.stats.windowsComputed },
    append: { lines: load.rowsTotal, loadMs: load.ms, durationMs: run.durationMs, windows: run.windowsComputed, full: run.full },
    rss: larger(full.rss, append.rss),
  };
}
