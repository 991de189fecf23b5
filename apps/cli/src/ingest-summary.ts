import path from 'node:path';
import type { IngestSummary } from '@windmill/core/ingest/batch-ingest';
import type { LoadOutcome } from '@windmill/core/ingest/load-file';
import type { MainRejection } from '@windmill/core/read/main-rejection.read';
import { EXIT } from './ingest-args.js';

type FileSummary = IngestSummary['files'][number];

/** A file with data lines none of which loaded (every one rejected); a header-only file is not that. */
export function loadedNothing(outcome: LoadOutcome): boolean {
  return outcome.status === 'done' && outcome.totals.rowsTotal > 0 && outcome.totals.rowsLoaded === 0;
}

/** The exit code of `npm run ingest` for a finished batch (see EXIT): a failed file first, then a file that loaded nothing. */
export function ingestExitCode(summary: IngestSummary): number {
  if (summary.files.some((f) => f.outcome.status === 'failed')) return EXIT.failed;
  if (summary.files.some((f) => loadedNothing(f.outcome))) return EXIT.nothingLoaded;
  return EXIT.ok;
}

/** A rejected line's detail is shown up to this length in the note. */
const DETAIL_CHARS = 160;

/**
 * The note on a file with rejected lines: the main reason, how many lines it took, and the first
 * such line with its detail (which names the formats accepted), so a file that loaded little or
 * nothing says why without a look into the database.
 */
export function rejectionNote(rejection: MainRejection, rowsRejected: number): string {
  const detail = rejection.detail.length > DETAIL_CHARS ? `${rejection.detail.slice(0, DETAIL_CHARS)}…` : rejection.detail;
  return `${rejection.reason} (${rejection.count} of ${rowsRejected} rejected), line ${rejection.line}: ${detail}`;
}

/**
 * The summary table printed at the end of `npm run ingest`, and the totals of this batch below
 * it: its files, its lines, its stats run and the anomalies that run found. The last line names a
 * non-zero exit code and why.
 */
export function formatSummary(summary: IngestSummary, cwd: string): string {
  const withProfiles = summary.files.some((f) => f.profile !== null);
  const header = ['file', 'status', 'total', 'loaded', 'imputed', 'duplicate', 'rejected', 'note'];
  const rows = summary.files.map((file) => {
    const cells = rowOf(file, cwd);
    // The input profile the file was read with, when any file had one (a canonical file shows '-').
    if (withProfiles) cells.splice(2, 0, file.profile ?? '-');
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
  const empty = summary.files.filter((f) => loadedNothing(f.outcome)).length;
  out.push('');
  out.push(`files: ${summary.files.length} (${failed} failed${empty > 0 ? `, ${empty} loaded nothing` : ''})`);
  if (withProfiles) {
    const used = new Map<string, number>();
    for (const f of summary.files) used.set(f.profile ?? 'canonical layout', (used.get(f.profile ?? 'canonical layout') ?? 0) + 1);
    out.push(`profiles: ${[...used].map(([name, n]) => `${name} (${n} file${n === 1 ? '' : 's'})`).join(', ')}`);
  }
  out.push(linesOf(summary.files));
  if (summary.stats.status === 'done') {
    const s = summary.stats;
    out.push(
      `stats: ${s.windowsComputed} windows computed in ${s.durationMs} ms${s.full ? ' (a full run: every window with readings)' : ''}`,
    );
  } else {
    out.push('stats: skipped, another stats run holds the lock; the scheduled run will catch up');
  }
  if (summary.anomalies) {
    const a = summary.anomalies;
    out.push(`anomalies found by this run: reading ${a.reading}, turbine ${a.turbine}, underperformance ${a.underperformance}`);
  }
  const code = ingestExitCode(summary);
  if (code === EXIT.failed) out.push(`exit code ${code}: ${failed} file${failed === 1 ? '' : 's'} failed (the note says why)`);
  if (code === EXIT.nothingLoaded) {
    out.push(
      `exit code ${code}: ${empty} file${empty === 1 ? '' : 's'} loaded nothing, every data line rejected (the note gives the main reason)`,
    );
  }
  return `${out.join('\n')}\n`;
}

/** This batch's lines by outcome, over the files it loaded (duplicates and failed files add none). */
function linesOf(files: readonly FileSummary[]): string {
  const t = { total: 0, loaded: 0, imputed: 0, duplicate: 0, rejected: 0 };
  for (const { outcome } of files) {
    if (outcome.status !== 'done') continue;
    t.total += outcome.totals.rowsTotal;
    t.loaded += outcome.totals.rowsLoaded;
    t.imputed += outcome.totals.rowsImputed;
    t.duplicate += outcome.totals.rowsDuplicate;
    t.rejected += outcome.totals.rowsRejected;
  }
  return `lines: ${t.total} read: ${t.loaded} loaded (${t.imputed} with imputed values), ${t.duplicate} duplicate, ${t.rejected} rejected`;
}

function rowOf({ path: p, outcome, mainRejection }: FileSummary, cwd: string): string[] {
  // Relative to where the command ran when the file is below it, else the whole path.
  const relative = path.relative(cwd, p);
  const name = relative === '' || relative.startsWith('..') ? p : relative;
  switch (outcome.status) {
    case 'done': {
      const t = outcome.totals;
      const notes: string[] = [];
      if (outcome.appendOfId !== null) notes.push(`appended to file #${outcome.appendOfId}`);
      if (loadedNothing(outcome)) notes.push('nothing loaded');
      if (mainRejection) notes.push(rejectionNote(mainRejection, t.rowsRejected));
      return [name, 'done', t.rowsTotal, t.rowsLoaded, t.rowsImputed, t.rowsDuplicate, t.rowsRejected, notes.join('; ')].map(String);
    }
    case 'duplicate':
      return [name, 'duplicate', '', '', '', '', '', `same content as file #${outcome.duplicateOfId}`];
    case 'failed':
      return [name, 'failed', '', '', '', '', '', outcome.error];
    case 'finished-before':
      return [name, outcome.previous, '', '', '', '', '', 'already finished'];
  }
}
