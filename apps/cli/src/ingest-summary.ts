import path from 'node:path';
import type { AnomalyKind } from '@windmill/core/domain/enums';
import type { IngestSummary } from '@windmill/core/ingest/batch-ingest';

/** The summary table printed at the end of `npm run ingest`. */
export function formatSummary(summary: IngestSummary, cwd: string): string {
  const withProfiles = summary.files.some((f) => f.profile !== null);
  const header = ['file', 'status', 'total', 'loaded', 'imputed', 'duplicate', 'rejected', 'note'];
  const rows = summary.files.map(({ path: p, outcome, profile }) => {
    const cells = rowOf(p, outcome);
    // The input profile the file was read with, when any file had one (a canonical file shows '-').
    if (withProfiles) cells.splice(2, 0, profile ?? '-');
    return cells;
  });
  if (withProfiles) header.splice(2, 0, 'profile');
  const noteColumn = header.length - 1;
  const numbers = withProfiles ? [3, 7] : [2, 6];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => Math.min(r[i]!.length, i === noteColumn ? 80 : 60))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i >= numbers[0]! && i <= numbers[1]! ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  const failed = summary.files.filter((f) => f.outcome.status === 'failed').length;
  out.push('');
  out.push(`files: ${summary.files.length} (${failed} failed)`);
  if (withProfiles) {
    const used = new Map<string, number>();
    for (const f of summary.files) used.set(f.profile ?? 'canonical layout', (used.get(f.profile ?? 'canonical layout') ?? 0) + 1);
    out.push(`profiles: ${[...used].map(([name, n]) => `${name} (${n} file${n === 1 ? '' : 's'})`).join(', ')}`);
  }
  function rowOf(p: string, outcome: IngestSummary['files'][number]['outcome']): string[] {
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
  }
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
