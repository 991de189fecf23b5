import type { LatencySummary } from './api-requests.js';
import type { Growth, LoadBreakdown } from './load-log.js';
import type { WideSummary } from './wide-report.js';

/**
 * The benchmark's result, as written to bench-output/<timestamp>.json: every figure measured,
 * never estimated; a stage that did not run is null. Pure helpers to summarise and judge it.
 */

export const REPORT_SCHEMA = 'windmill-bench/1';

/** Peak memory of the Node processes of one child process tree (see rss-sampler.ts). */
export interface RssPeak {
  /** The largest VmHWM of a single Node process of the tree, and which one. */
  largestMb: number;
  process: string;
  /** The largest sum of VmRSS over the tree's Node processes in one sample. */
  treeMb: number;
  samples: number;
}

export interface DataSummary {
  dir: string;
  files: number;
  /** Data lines, headers excluded: what `rows/s` counts. */
  lines: number;
  bytes: number;
  turbines: number;
  days: number;
  start: string;
  seed: string;
  /** Null when the files of an earlier run were reused. */
  generatedMs: number | null;
  messiness: Record<string, number>;
  extraDay: { file: string; lines: number; bytes: number };
}

export interface CeilingSummary {
  method: string;
  runsMs: number[];
  medianMs: number;
  rowsInTable: number;
  rowsPerSec: number;
}

/** fast-csv alone on the same files and number of threads: the yardstick for the files stage. */
export interface FastCsvSummary {
  method: string;
  threads: number;
  runsMs: number[];
  medianMs: number;
  rows: number;
}

export interface IngestRun {
  wallMs: number;
  exitCode: number | null;
  /** Spawn to the first file's start (npm, Node, connecting, migrations). */
  startupMs: number;
  breakdown: LoadBreakdown;
  stats: { durationMs: number; windows: number } | null;
  /** Wall time outside start-up, the files' span and the stats run (the summary query, exit). */
  otherMs: number;
  growth: Growth | null;
  rss: RssPeak;
  database: { readings: number; rowsTotal: number; rowsRejected: number; rowsDuplicate: number; filesDone: number; filesFailed: number };
}

export interface IngestSummary {
  runs: IngestRun[];
  /** Index in `runs` of the run with the median wall time (lower median for an even count). */
  medianRun: number;
  medianMs: number;
  rowsPerSec: number;
  ratioToCeiling: number | null;
  /** The median run's files stage (first start to last commit) over fast-csv alone's median. */
  filesToFastCsv: number | null;
}

export interface WatcherSummary {
  /** From the drop to the finish of the first stats run that started after the last file was loaded. */
  elapsedMs: number;
  firstFileStartMs: number | null;
  lastFileDoneMs: number;
  statsRunsDuringLoad: number;
  rowsPerSec: number;
  ratioToOneShot: number | null;
  files: { done: number; duplicate: number; failed: number };
  breakdown: LoadBreakdown;
  rss: RssPeak;
  settings: Record<string, string>;
}

export interface StatsSummary {
  full: { durationMs: number; wallMs: number; windows: number };
  append: { lines: number; loadMs: number; durationMs: number; windows: number; full: boolean };
  rss: RssPeak;
}

/** Latencies of one read, timed by the client over `requests` requests. */
export interface RouteLatency extends LatencySummary {
  route: string;
  /** One of the paths asked (they differ by turbine and month). */
  example: string;
  /** Items per answer, on average (a month of windows, a month of anomalies, every turbine). */
  meanItems: number;
}

export interface ApiSummary {
  requests: number;
  /** Requests per route before the timed ones, not counted. */
  warmUp: number;
  /** One request at a time. */
  routes: RouteLatency[];
  /** GET /turbines with `connections` requests in flight at once. */
  concurrent: LatencySummary & { route: string; connections: number; meanItems: number; requestsPerSec: number };
  rss: RssPeak;
}

export interface TargetCheck {
  name: string;
  measured: string;
  target: string;
  /** Null when the figure was not measured in this run. */
  met: boolean | null;
}

export interface BenchReport {
  schema: typeof REPORT_SCHEMA;
  runId: string;
  startedAt: string;
  finishedAt: string;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryMb: number;
    node: string;
    postgres: string;
    postgresSettings: Record<string, string>;
    loadAverage: number[];
    loadAverageAtEnd: number[];
  };
  git: { commit: string; dirty: boolean };
  options: { rows: number; files: number; turbines: number; wideRows: number; repeat: number; skip: string[]; seed: string };
  data: DataSummary;
  ceiling: CeilingSummary | null;
  fastCsv: FastCsvSummary | null;
  ingest: IngestSummary | null;
  watcher: WatcherSummary | null;
  stats: StatsSummary | null;
  api: ApiSummary | null;
  /** The Greenbyte-layout set (wide-report.ts); null when skipped. */
  wide: WideSummary | null;
  targets: TargetCheck[];
  notes: string[];
}

/** The median of the numbers (the mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Index of the value at the (lower) median position, so a median run's other figures can be shown. */
export function medianIndex(values: readonly number[]): number {
  if (values.length === 0) return -1;
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  return order[Math.floor((order.length - 1) / 2)]![1];
}

/** a / b, or null when either is missing or b is not positive. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a == null || b == null || !(b > 0) || !Number.isFinite(a)) return null;
  return a / b;
}

export const TARGETS = {
  ingestVsCeiling: 7,
  filesVsFastCsv: 1.5,
  /** The files stage on the Greenbyte-layout set, against fast-csv alone on the same files. */
  wideFilesVsFastCsv: 1.3,
  watcherVsOneShot: 1.3,
  /** npm run ingest and each separate service process. */
  peakRssMb: 300,
  /** npm start, every app in one process. */
  allInOneRssMb: 400,
  incrementalStatsMs: 1000,
  growthSlowdown: 0.2,
  apiP99Ms: 100,
} as const;

const fixed = (value: number, digits: number) => value.toFixed(digits);

/** The issues' targets, judged on what this run measured. */
export function checkTargets(
  report: Pick<BenchReport, 'ingest' | 'watcher' | 'stats'> & { api?: ApiSummary | null; wide?: WideSummary | null },
): TargetCheck[] {
  const { ingest, watcher, stats } = report;
  const api = report.api ?? null;
  const wide = report.wide ?? null;
  const medianRun = ingest ? ingest.runs[ingest.medianRun] : undefined;
  // The watcher stage runs npm start, every app in one process; the others (the wide set's
  // npm run ingest among them) run one app each.
  const rssPeaks = [medianRun?.rss, stats?.rss, api?.rss, wide?.ingest?.rss].filter((r): r is RssPeak => r !== undefined);
  const largestRss = rssPeaks.length > 0 ? Math.max(...rssPeaks.map((r) => r.largestMb)) : null;
  const growthResult = medianRun?.growth ?? null;
  const check = (
    name: string,
    value: number | null,
    shown: (v: number) => string,
    target: string,
    met: (v: number) => boolean,
  ): TargetCheck => ({
    name,
    measured: value === null ? 'not measured' : shown(value),
    target,
    met: value === null ? null : met(value),
  });
  return [
    check(
      'ingest time / ceiling time',
      ingest?.ratioToCeiling ?? null,
      (v) => `${fixed(v, 2)}x`,
      `<= ${TARGETS.ingestVsCeiling}x`,
      (v) => v <= TARGETS.ingestVsCeiling,
    ),
    check(
      'files stage / fast-csv alone',
      ingest?.filesToFastCsv ?? null,
      (v) => `${fixed(v, 2)}x`,
      `<= ${TARGETS.filesVsFastCsv}x`,
      (v) => v <= TARGETS.filesVsFastCsv,
    ),
    check(
      'wide files stage / fast-csv alone',
      wide?.ingest?.filesToFastCsv ?? null,
      (v) => `${fixed(v, 2)}x`,
      `<= ${TARGETS.wideFilesVsFastCsv}x`,
      (v) => v <= TARGETS.wideFilesVsFastCsv,
    ),
    check(
      'watcher path / one-shot ingest',
      watcher?.ratioToOneShot ?? null,
      (v) => `${fixed(v, 2)}x`,
      `<= ${TARGETS.watcherVsOneShot}x`,
      (v) => v <= TARGETS.watcherVsOneShot,
    ),
    check(
      'peak RSS, ingest and single-app processes',
      largestRss,
      (v) => `${Math.round(v)} MB`,
      `<= ${TARGETS.peakRssMb} MB`,
      (v) => v <= TARGETS.peakRssMb,
    ),
    check(
      'peak RSS, all-in-one npm start',
      watcher?.rss.largestMb ?? null,
      (v) => `${Math.round(v)} MB`,
      `<= ${TARGETS.allInOneRssMb} MB`,
      (v) => v <= TARGETS.allInOneRssMb,
    ),
    check(
      'stats run after a one-day append',
      stats?.append.durationMs ?? null,
      (v) => `${Math.round(v)} ms`,
      `< ${TARGETS.incrementalStatsMs} ms`,
      (v) => v < TARGETS.incrementalStatsMs,
    ),
    check(
      growthResult ? `last vs first ${compactCount(growthResult.segmentRows)} rows, slowdown` : 'last vs first million rows, slowdown',
      growthResult?.slowdown ?? null,
      (v) => `${v >= 0 ? '+' : ''}${fixed(v * 100, 1)} %`,
      `<= ${TARGETS.growthSlowdown * 100} %`,
      (v) => v <= TARGETS.growthSlowdown,
    ),
    ...['GET /turbines', 'GET /turbines/:id/stats', 'GET /anomalies'].map((route) =>
      check(
        `${route}${route === 'GET /turbines' ? '' : ', one month'}: p99`,
        api?.routes.find((r) => r.route === route)?.p99Ms ?? null,
        (v) => `${v.toFixed(1)} ms`,
        `< ${TARGETS.apiP99Ms} ms`,
        (v) => v < TARGETS.apiP99Ms,
      ),
    ),
  ];
}

/** 1200 -> '1.2 k', 1000000 -> '1 M'. */
export function compactCount(value: number): string {
  if (value >= 1_000_000) return `${Number((value / 1_000_000).toFixed(2))} M`;
  if (value >= 1_000) return `${Number((value / 1_000).toFixed(1))} k`;
  return String(Math.round(value));
}
