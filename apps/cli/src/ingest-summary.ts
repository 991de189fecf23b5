import path from 'node:path';
import type { AnomalyKind } from '@windmill/core/domain/enums';
import type { IngestSummary } from '@windmill/core/ingest/batch-ingest';

/** The summary table printed at the end of `npm run ingest`. */
export function formatSummary(summary: IngestSummary, cwd: string): string {
  const header = ['file', 'status', 'total', 'loaded', 'imputed', 'duplicate', 'rejected', 'note'];
  const rows = summary.files.map(({ path: p, outcome }) => {
    // Relative to where the command ran when the file is below it, else the whole path.
    const relative = path.relative(cwd, p);
    const name = relative === '' || relative.startsWith('..') ? p : relative;
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
  // readStatsTotals counts every kind; the summary's declared type names the first two.
  const underperformance = (summary.anomalies as Partial<Record<AnomalyKind, number>>).underperformance ?? 0;
  out.push(`anomalies: reading ${summary.anomalies.reading}, turbine ${summary.anomalies.turbine}, underperformance ${underperformance}`);
  return `${out.join('\n')}\n`;
}
