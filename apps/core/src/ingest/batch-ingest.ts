import type { Config } from '../config/config.js';
import { cleaningSettingsFrom, statsOptionsFrom } from '../config/settings.js';
import type { Pool } from '../db/pool.js';
import type { Logger } from '../platform/logger.js';
import { readStatsTotals } from '../read/stats-totals.read.js';
import { computeStats, type StatsRunOutcome } from '../stats/compute-stats.js';
import { createCleanRunner, type CleanRunner } from './clean-runner.js';
import { queueFile } from './ingested-file.repository.js';
import { listCsvFiles } from './list-files.js';
import { loadFile, type LoadDeps, type LoadOutcome } from './load-file.js';

export interface IngestSummary {
  files: Array<{ path: string; outcome: LoadOutcome }>;
  stats: StatsRunOutcome;
  anomalies: { reading: number; turbine: number };
  windowStats: number;
}

/**
 * The batch load behind `npm run ingest`: loads the named files one after another in lexicographic path order (files
 * stay where they are), then runs one stats computation. Needs Postgres only.
 */
export async function runIngest(
  deps: { pool: Pool; logger: Logger; config: Config; cleaner?: CleanRunner },
  inputs: string[],
  cwd: string,
): Promise<IngestSummary> {
  const { pool, logger, config } = deps;
  const paths = await listCsvFiles(inputs, cwd);
  const cleaner = deps.cleaner ?? createCleanRunner(config.PARSE_THREADS);
  try {
    const files = await loadInPathOrder(
      { pool, logger, settings: cleaningSettingsFrom(config), cleaner },
      paths,
      Math.max(1, config.PARSE_THREADS),
    );
    return await summarize(pool, logger, config, files);
  } finally {
    if (!deps.cleaner) await cleaner.close();
  }
}

/**
 * Loads up to `inFlight` files at once (their parsing overlaps on the parse threads), yet each
 * file writes to the real tables only after the previous one has committed, so where files
 * overlap the one later in path order wins, exactly as if they were loaded one by one.
 */
async function loadInPathOrder(deps: Omit<LoadDeps, 'beforeApply'>, paths: string[], inFlight: number): Promise<IngestSummary['files']> {
  const loads: Array<Promise<LoadOutcome>> = [];
  let previousFinished: Promise<unknown> = Promise.resolve();
  for (const [index, filePath] of paths.entries()) {
    if (index >= inFlight) await loads[index - inFlight]!.catch(() => undefined);
    const { id } = await queueFile(deps.pool, filePath, null, null);
    const gate = previousFinished;
    const load = loadFile({ ...deps, beforeApply: () => gate.then(() => undefined) }, { fileId: id, path: filePath });
    previousFinished = load.catch(() => undefined);
    loads.push(load);
  }
  const settled = await Promise.allSettled(loads);
  const failure = settled.find((s) => s.status === 'rejected');
  if (failure) throw (failure as PromiseRejectedResult).reason;
  return settled.map((s, i) => ({ path: paths[i]!, outcome: (s as PromiseFulfilledResult<LoadOutcome>).value }));
}

async function summarize(pool: Pool, logger: Logger, config: Config, files: IngestSummary['files']): Promise<IngestSummary> {
  const stats = await computeStats(pool, { ...statsOptionsFrom(config, 'cli'), logger });
  const totals = await readStatsTotals(pool, config.WINDOW_SECONDS);
  return { files, stats, anomalies: totals.anomalies, windowStats: totals.windows };
}
