import { median, medianIndex, ratio, type FastCsvSummary, type IngestRun, type RssPeak } from './report.js';

/**
 * The wide stage's part of the report: a Greenbyte-layout set (~300 columns, ~2 KB a line), fast-csv
 * alone on its files, and `npm run ingest` reading them through the greenbyte preset. Pure.
 */

export interface WideDataSummary {
  dir: string;
  layout: 'greenbyte';
  files: number;
  /** Data lines, preamble and header excluded. */
  lines: number;
  bytes: number;
  /** Columns of the header, the four Windmill reads among them. */
  columns: number;
  turbines: number;
  days: number;
  intervalSeconds: number;
  start: string;
  seed: string;
  /** Null when the files of an earlier run were reused. */
  generatedMs: number | null;
  messiness: Record<string, number>;
}

export interface WideIngestSummary {
  runs: IngestRun[];
  /** Index in `runs` of the run with the median wall time (lower median for an even count). */
  medianRun: number;
  /** Median of the whole `npm run ingest` wall times (start-up, files, stats run, exit). */
  medianMs: number;
  rowsPerSec: number;
  /** Each run's files stage: first file's start to last file's commit, from the product's log lines. */
  filesMs: number[];
  filesMedianMs: number;
  /** filesMedianMs over fast-csv alone's median on the same files. */
  filesToFastCsv: number | null;
  /** The largest peak of the runs. */
  rss: RssPeak;
}

export interface WideSummary {
  data: WideDataSummary;
  /** fast-csv alone on the wide files; null when every attempt failed. */
  fastCsv: FastCsvSummary | null;
  ingest: WideIngestSummary | null;
}

/** Sums up the wide stage's runs; a part none of whose runs succeeded is null. */
export function summariseWide(
  data: WideDataSummary,
  fastCsvRuns: ReadonlyArray<{ ms: number; rows: number }>,
  ingestRuns: readonly IngestRun[],
  threads: number,
  method: string,
): WideSummary {
  const fastCsv: FastCsvSummary | null =
    fastCsvRuns.length === 0
      ? null
      : {
          method,
          threads,
          runsMs: fastCsvRuns.map((r) => r.ms),
          medianMs: median(fastCsvRuns.map((r) => r.ms)),
          rows: fastCsvRuns.at(-1)!.rows,
        };
  if (ingestRuns.length === 0) return { data, fastCsv, ingest: null };
  const medianMs = median(ingestRuns.map((r) => r.wallMs));
  const filesMs = ingestRuns.map((r) => r.breakdown.wallMs);
  const filesMedianMs = median(filesMs);
  const peaks = ingestRuns.map((r) => r.rss);
  const largest = peaks.reduce((a, b) => (b.largestMb > a.largestMb ? b : a));
  const rss: RssPeak = {
    ...largest,
    treeMb: Math.max(...peaks.map((p) => p.treeMb)),
    samples: peaks.reduce((s, p) => s + p.samples, 0),
  };
  return {
    data,
    fastCsv,
    ingest: {
      runs: [...ingestRuns],
      medianRun: medianIndex(ingestRuns.map((r) => r.wallMs)),
      medianMs,
      rowsPerSec: (data.lines * 1000) / medianMs,
      filesMs,
      filesMedianMs,
      filesToFastCsv: ratio(filesMedianMs, fastCsv?.medianMs),
      rss,
    },
  };
}
