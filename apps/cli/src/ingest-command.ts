import path from 'node:path';
import type { Pool } from 'pg';
import type { Config } from '@windmill/core/config/config';
import { cleaningSettingsFrom, statsOptionsFrom } from '@windmill/core/config/settings';
import { queueFile } from '@windmill/core/ingest/ingested-file.repository';
import { listCsvFiles } from '@windmill/core/ingest/list-files';
import { loadFile, type LoadOutcome } from '@windmill/core/ingest/load-file';
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
export async function runIngest(deps: { pool: Pool; logger: Logger; config: Config }, inputs: string[], cwd: string): Promise<IngestSummary> {
  const { pool, logger, config } = deps;
  const paths = await listCsvFiles(inputs, cwd);
  const settings = cleaningSettingsFrom(config);
  const files: IngestSummary['files'] = [];
  for (const filePath of paths) {
    const { id } = await queueFile(pool, filePath, null, null);
    const outcome = await loadFile({ pool, logger, settings }, { fileId: id, path: filePath });
    files.push({ path: filePath, outcome });
  }
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
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 && i <= 6 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
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
