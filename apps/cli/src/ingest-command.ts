import path from 'node:path';
import type { Pool } from 'pg';
import type { Config } from '@windmill/core/config/config';
import { cleaningSettingsFrom, statsOptionsFrom } from '@windmill/core/config/settings';
import { queueFile } from '@windmill/core/ingest/ingested-file.repository';
import { listCsvFiles } from '@windmill/core/ingest/list-files';
import { createCleanRunner, type CleanRunner } from '@windmill/core/ingest/clean-runner';
import { loadFile, type LoadDeps, type LoadOutcome } from '@windmill/core/ingest/load-file';
import type { Logger } from '@windmill/core/platform/logger';
import { computeStats, type StatsRunOutcome } from '@windmill/core/stats/compute-stats';

export interface IngestSummary {
  files: Array<{ path: string; outcome: LoadOutcome }>;
  stats: StatsRunOutcome;
  anomalies: { reading: number; turbine: number };
  windowStats: number;
}

/**
 * `npm run ingest`: loads the named files one after another in lexicographic path order (files
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
 * Loads up to `inFlight` files at once (their parsing overlaps on the parse threads). Ledger ids
 * are taken in path order, and where files overlap the higher id wins (see applyStaging), so the
 * file later in path order wins, exactly as if they were loaded one by one, without any file
 * waiting for another's commit.
 */
async function loadInPathOrder(deps: LoadDeps, paths: string[], inFlight: number): Promise<IngestSummary['files']> {
  const loads: Array<Promise<LoadOutcome>> = [];
  for (const [index, filePath] of paths.entries()) {
    if (index >= inFlight) await loads[index - inFlight]!.catch(() => undefined);
    const { id } = await queueFile(deps.pool, filePath, null, null);
    loads.push(loadFile(deps, { fileId: id, path: filePath }));
  }
  const settled = await Promise.allSettled(loads);
  const failure = settled.find((s) => s.status === 'rejected');
  if (failure) throw (failure as PromiseRejectedResult).reason;
  return settled.map((s, i) => ({ path: paths[i]!, outcome: (s as PromiseFulfilledResult<LoadOutcome>).value }));
}

async function summarize(pool: Pool, logger: Logger, config: Config, files: IngestSummary['files']): Promise<IngestSummary> {
  const stats = await computeStats(pool, { ...statsOptionsFrom(config, 'cli'), logger });
  const { rows } = await pool.query<{ reading: number; turbine: number; windows: number }>(
    `SELECT (SELECT count(*)::int FROM anomaly WHERE kind = 'reading' AND window_seconds = $1) AS reading,
            (SELECT count(*)::int FROM anomaly WHERE kind = 'turbine' AND window_seconds = $1) AS turbine,
            (SELECT count(*)::int FROM window_stat WHERE window_seconds = $1) AS windows`,
    [config.WINDOW_SECONDS],
  );
  const totals = rows[0]!;
  return { files, stats, anomalies: { reading: totals.reading, turbine: totals.turbine }, windowStats: totals.windows };
}

/** The summary table printed at the end of `npm run ingest`. */
export function formatSummary(summary: IngestSummary, cwd: string): string {
  const header = ['file', 'status', 'total', 'loaded', 'imputed', 'duplicate', 'rejected', 'note'];
  const rows = summary.files.map(({ path: p, outcome }) => {
    const name = path.relative(cwd, p) || p;
    switch (outcome.status) {
      case 'done': {
        const t = outcome.totals;
        const note = outcome.appendOfId !== null ? `appended to file #${outcome.appendOfId}` : '';
        return [name, 'done', t.rowsTotal, t.rowsLoaded, t.rowsImputed, t.rowsDuplicate, t.rowsRejected, note].map(String);
      }
      case 'duplicate':
        return [name, 'duplicate', '', '', '', '', '', `same content as file #${outcome.duplicateOfId}`];
      case 'failed':
        return [name, 'failed', '', '', '', '', '', outcome.error];
      case 'finished-before':
        return [name, outcome.previous, '', '', '', '', '', 'already finished'];
    }
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => Math.min(r[i]!.length, i === 7 ? 80 : 60))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i >= 2 && i <= 6 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  const failed = summary.files.filter((f) => f.outcome.status === 'failed').length;
  out.push('');
  out.push(`files: ${summary.files.length} (${failed} failed)`);
  if (summary.stats.status === 'done') {
    out.push(
      `stats: ${summary.stats.windowsComputed} windows computed${summary.stats.full ? ' (full run)' : ''} in ${summary.stats.durationMs} ms; ` +
        `${summary.windowStats} windows stored`,
    );
  } else {
    out.push('stats: skipped, another stats run holds the lock; the scheduled run will catch up');
  }
  out.push(`anomalies: reading ${summary.anomalies.reading}, turbine ${summary.anomalies.turbine}`);
  return `${out.join('\n')}\n`;
}
