import type { LoadBreakdown } from './load-log.js';
import { compactCount, type BenchReport, type RssPeak } from './report.js';
import type { WideSummary } from './wide-report.js';

/** The printed form of a BenchReport: a stage table and a target table. Pure. */

/** Columns padded to their widest cell; `right` lists the columns aligned right. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, right: readonly number[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    widths
      .map((w, i) => (right.includes(i) ? (cells[i] ?? '').padStart(w) : (cells[i] ?? '').padEnd(w)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** 1234 -> '1.23 s', 98765 -> '98.8 s', 456 -> '0.456 s'. */
export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  if (s < 1) return `${s.toFixed(3)} s`;
  if (s < 10) return `${s.toFixed(2)} s`;
  return `${s.toFixed(1)} s`;
}

export const formatRate = (rowsPerSec: number): string => `${compactCount(rowsPerSec)}/s`;
/** 3.14159 -> '3.1 ms', 123.4 -> '123 ms'. */
export const formatMs = (ms: number): string => (ms < 100 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`);
export const formatMb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const thousands = (n: number) => n.toLocaleString('en-US');
const times = (r: number | null) => (r === null ? '' : `${r.toFixed(2)}x`);
/** The loader's 'file loaded' parts, named for what they cover (load-file.ts). */
const PART_LABELS: Record<string, string> = {
  fingerprintMs: 'fingerprint: SHA-256',
  streamMs: 'stream: parse, clean, COPY',
  applyMs: 'apply: staging -> tables',
  commitMs: 'commit',
};
const rssText = (r: RssPeak) => `${Math.round(r.largestMb)} MB`;

/** Where the files' time went, one row per part the loader reports (summed over the files). */
function partRows(b: LoadBreakdown): string[][] {
  return Object.entries(b.parts).map(([part, ms]) => [
    `    ${PART_LABELS[part] ?? part} (sum)`,
    formatSeconds(ms),
    '',
    `${((ms * 100) / (b.ms || 1)).toFixed(0)} % of the files' time`,
    '',
  ]);
}

const medianOf = (runsMs: readonly number[]) => (runsMs.length > 1 ? `; median of ${runsMs.map((m) => formatSeconds(m)).join(', ')}` : '');

/** The wide (Greenbyte-layout) set's rows: its data, fast-csv alone, npm run ingest and its files stage. */
export function wideRows(wide: WideSummary): string[][] {
  const { data, fastCsv, ingest } = wide;
  const generated = data.generatedMs === null ? 'reused' : `generated in ${formatSeconds(data.generatedMs)}`;
  const rows: string[][] = [
    [
      `wide data: ${data.layout} layout`,
      '',
      '',
      `${thousands(data.lines)} lines of ${data.columns} columns, ${data.files} files, ${formatMb(data.bytes)}; ${generated}`,
      '',
    ],
  ];
  if (fastCsv) {
    rows.push([
      'wide: fast-csv alone',
      formatSeconds(fastCsv.medianMs),
      formatRate((data.lines * 1000) / fastCsv.medianMs),
      `${fastCsv.threads} threads, parsing only${medianOf(fastCsv.runsMs)}`,
      '',
    ]);
  }
  if (ingest) {
    const run = ingest.runs[ingest.medianRun]!;
    const largestOf = ingest.runs.length > 1 ? ` (largest of ${ingest.runs.length} runs)` : '';
    rows.push([
      'wide: npm run ingest, INPUT_PROFILES',
      formatSeconds(ingest.medianMs),
      formatRate(ingest.rowsPerSec),
      `greenbyte preset; start-up ${formatSeconds(run.startupMs)}${run.stats ? `, stats run ${formatSeconds(run.stats.durationMs)}` : ''}${medianOf(ingest.runs.map((r) => r.wallMs))}${largestOf}`,
      rssText(ingest.rss),
    ]);
    const fast = ingest.filesToFastCsv === null ? '' : `; ${times(ingest.filesToFastCsv)} fast-csv alone`;
    rows.push([
      '  files, first start to last commit',
      formatSeconds(ingest.filesMedianMs),
      formatRate(ingest.filesMedianMs > 0 ? (data.lines * 1000) / ingest.filesMedianMs : 0),
      `${run.breakdown.files} files${fast}${medianOf(ingest.filesMs)}`,
      '',
    ]);
    rows.push(...partRows(run.breakdown));
  }
  return rows;
}

function stageRows(report: BenchReport): string[][] {
  const { data, ceiling, fastCsv, ingest, watcher, stats, api } = report;
  const rows: string[][] = [];
  const d = data.generatedMs === null ? 'reused' : `generated in ${formatSeconds(data.generatedMs)}`;
  rows.push(['data', '', '', `${thousands(data.lines)} lines, ${data.files} files, ${formatMb(data.bytes)}; ${d}`, '']);
  if (ceiling) {
    const runs = ceiling.runsMs.length > 1 ? `; median of ${ceiling.runsMs.map((m) => formatSeconds(m)).join(', ')}` : '';
    rows.push([
      'ceiling: psql \\copy',
      formatSeconds(ceiling.medianMs),
      formatRate(ceiling.rowsPerSec),
      `${thousands(ceiling.rowsInTable)} rows in table${runs}`,
      '',
    ]);
  }
  if (fastCsv) {
    const runs = fastCsv.runsMs.length > 1 ? `; median of ${fastCsv.runsMs.map((m) => formatSeconds(m)).join(', ')}` : '';
    rows.push([
      'fast-csv alone',
      formatSeconds(fastCsv.medianMs),
      formatRate((fastCsv.rows * 1000) / fastCsv.medianMs),
      `${fastCsv.threads} threads, parsing only${runs}`,
      '',
    ]);
  }
  if (ingest) {
    const run = ingest.runs[ingest.medianRun]!;
    const b = run.breakdown;
    const runs = ingest.runs.length > 1 ? `; median of ${ingest.runs.map((r) => formatSeconds(r.wallMs)).join(', ')}` : '';
    rows.push([
      'ingest: npm run ingest',
      formatSeconds(ingest.medianMs),
      formatRate(ingest.rowsPerSec),
      `${ingest.ratioToCeiling === null ? 'no ceiling measured' : `${times(ingest.ratioToCeiling)} ceiling`}${runs}`,
      rssText(run.rss),
    ]);
    rows.push(['  start-up: npm, node, migrate', formatSeconds(run.startupMs), '', "spawn to the first file's start", '']);
    rows.push([
      '  files, first start to last commit',
      formatSeconds(b.wallMs),
      formatRate(b.wallMs > 0 ? (b.rows * 1000) / b.wallMs : 0),
      `${b.files} files${ingest.filesToFastCsv === null ? '' : `; ${times(ingest.filesToFastCsv)} fast-csv alone`}`,
      '',
    ]);
    rows.push(...partRows(b));
    if (run.stats) rows.push(['  stats run', formatSeconds(run.stats.durationMs), '', `${thousands(run.stats.windows)} windows`, '']);
    rows.push(['  other', formatSeconds(run.otherMs), '', 'summary query, exit', '']);
    if (run.growth) {
      const g = run.growth;
      const seg = compactCount(g.segmentRows);
      rows.push([`  first ${seg} rows`, formatSeconds(g.first.ms), formatRate(g.first.rowsPerSec), `${g.first.files} files`, '']);
      rows.push([
        `  last ${seg} rows`,
        formatSeconds(g.last.ms),
        formatRate(g.last.rowsPerSec),
        `${g.last.files} files; ${Math.abs(g.slowdown * 100).toFixed(1)} % ${g.slowdown >= 0 ? 'slower' : 'faster'} than the first`,
        '',
      ]);
    }
  }
  if (watcher) {
    const detail = `${times(watcher.ratioToOneShot)} one-shot; last file loaded at ${formatSeconds(watcher.lastFileDoneMs)}, ${watcher.statsRunsDuringLoad} stats runs`;
    rows.push([
      'watcher: npm start, drop->stats',
      formatSeconds(watcher.elapsedMs),
      formatRate(watcher.rowsPerSec),
      detail,
      rssText(watcher.rss),
    ]);
  }
  if (stats) {
    rows.push([
      'stats: full run',
      formatSeconds(stats.full.durationMs),
      '',
      `${thousands(stats.full.windows)} windows`,
      rssText(stats.rss),
    ]);
    const a = stats.append;
    const detail = `${thousands(a.windows)} windows${a.full ? ' (FULL run!)' : ''}; the day's ${thousands(a.lines)} lines loaded in ${formatSeconds(a.loadMs)}`;
    rows.push(['stats: after one-day append', formatSeconds(a.durationMs), '', detail, '']);
  }
  if (api) {
    const spread = (r: { p50Ms: number; p95Ms: number; maxMs: number; requests: number; errors: number }) =>
      `p50 ${formatMs(r.p50Ms)}, p95 ${formatMs(r.p95Ms)}, max ${formatMs(r.maxMs)}; ${r.requests} requests` +
      (r.errors > 0 ? `, ${r.errors} NOT 200` : '');
    api.routes.forEach((r, i) => {
      rows.push([
        `api: ${r.route}, p99`,
        formatMs(r.p99Ms),
        '',
        `${spread(r)} one at a time, ${r.meanItems.toFixed(1)} items each`,
        i === 0 ? rssText(api.rss) : '',
      ]);
    });
    const c = api.concurrent;
    rows.push([
      `api: ${c.route}, ${c.connections} at once, p99`,
      formatMs(c.p99Ms),
      `${c.requestsPerSec.toFixed(0)} req/s`,
      `${spread(c)}, ${c.connections} in flight`,
      '',
    ]);
  }
  if (report.wide) rows.push(...wideRows(report.wide));
  return rows;
}

/** The whole printout: a header line, the stage table, the target table and the notes. */
export function formatReport(report: BenchReport): string {
  const { machine, git, data } = report;
  const head =
    `Windmill bench ${report.runId}: ${thousands(data.lines)} lines, ${data.turbines} turbines x ${data.days} days, ${data.files} files` +
    ` | ${machine.cpus} CPUs, load ${machine.loadAverage[0]?.toFixed(1)} at start, ${machine.loadAverageAtEnd[0]?.toFixed(1)} at end | Node ${machine.node}, ${machine.postgres}` +
    ` (autovacuum ${machine.postgresSettings.autovacuum ?? '?'})` +
    (report.wide ? ` | wide: ${thousands(report.wide.data.lines)} Greenbyte-layout lines, ${report.wide.data.files} files` : '') +
    ` | commit ${git.commit}${git.dirty ? ' (+ uncommitted changes)' : ''}`;
  const stages = formatTable(['stage', 'time', 'rows/s', 'detail', 'peak RSS'], stageRows(report), [1, 2, 4]);
  const targets = formatTable(
    ['target', 'measured', 'target', ''],
    report.targets.map((t) => [t.name, t.measured, t.target, t.met === null ? '-' : t.met ? 'met' : 'MISSED']),
    [1],
  );
  const notes = report.notes.map((n) => `note: ${n}`);
  return [head, '', stages, '', targets, ...(notes.length > 0 ? ['', ...notes] : [])].join('\n');
}
