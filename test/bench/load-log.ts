/**
 * Reads what the product's own pino JSON lines say about a run: each file's 'file loaded' line
 * (rows and where its time went) and each 'stats run done' line. Pure: lines in, figures out.
 */

/** One 'file loaded' line of `apps/core/src/ingest/load-file.ts`. */
export interface FileLoadLog {
  /** pino's `time`: epoch ms when the line was written, i.e. when the file's commit finished. */
  time: number;
  file: string;
  rowsTotal: number;
  rowsLoaded: number;
  /** The whole load of the file, from its start to its commit. */
  ms: number;
  /**
   * Every other `...Ms` field of the line, as the loader reports where the time went (today
   * fingerprintMs, streamMs, applyMs, commitMs); read generically so a new part shows up as is.
   */
  parts: Record<string, number>;
}

/** One 'stats run done'' line of `apps/core/src/stats/compute-stats.ts`. */
export interface StatsRunLog {
  time: number;
  durationMs: number;
  windowsComputed: number;
  full: boolean;
  trigger: string;
}

/**
 * Sums over the loaded files: `ms` of the whole loads, `parts` of each part. Files loaded at the
 * same time overlap, so the sums can exceed the wall time; `wallMs` is from the first file's
 * start to the last file's commit.
 */
export interface LoadBreakdown {
  files: number;
  rows: number;
  ms: number;
  wallMs: number;
  parts: Record<string, number>;
}

export interface Segment {
  files: number;
  rows: number;
  ms: number;
  rowsPerSec: number;
}

/** Load speed of the first and the last `segmentRows` rows, whole files at a time. */
export interface Growth {
  segmentRows: number;
  first: Segment;
  last: Segment;
  /** first rate / last rate - 1: 0.1 means the last rows loaded 10 % slower than the first. */
  slowdown: number;
}

/** A JSON object from one log line, or null for anything else (pretty output, stack traces, tables). */
export function parseLogLine(line: string): Record<string, unknown> | null {
  const text = line.trim();
  if (!text.startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/** The 'file loaded' lines, in the order they were written. */
export function fileLoads(lines: readonly string[]): FileLoadLog[] {
  const out: FileLoadLog[] = [];
  for (const line of lines) {
    const entry = parseLogLine(line);
    if (entry?.msg !== 'file loaded') continue;
    out.push({
      time: num(entry.time),
      file: typeof entry.file === 'string' ? entry.file : '',
      rowsTotal: num(entry.rowsTotal),
      rowsLoaded: num(entry.rowsLoaded),
      ms: num(entry.ms),
      parts: Object.fromEntries(
        Object.entries(entry).filter(([k, v]) => k.endsWith('Ms') && typeof v === 'number') as Array<[string, number]>,
      ),
    });
  }
  return out;
}

/** The 'stats run done' lines, in the order they were written. */
export function statsRuns(lines: readonly string[]): StatsRunLog[] {
  const out: StatsRunLog[] = [];
  for (const line of lines) {
    const entry = parseLogLine(line);
    if (entry?.msg !== 'stats run done') continue;
    out.push({
      time: num(entry.time),
      durationMs: num(entry.durationMs),
      windowsComputed: num(entry.windowsComputed),
      full: entry.full === true,
      trigger: typeof entry.trigger === 'string' ? entry.trigger : '',
    });
  }
  return out;
}

export function sumBreakdown(loads: readonly FileLoadLog[]): LoadBreakdown {
  const sum: LoadBreakdown = { files: 0, rows: 0, ms: 0, wallMs: span(loads), parts: {} };
  for (const load of loads) {
    sum.files += 1;
    sum.rows += load.rowsTotal;
    sum.ms += load.ms;
    for (const [part, ms] of Object.entries(load.parts)) sum.parts[part] = (sum.parts[part] ?? 0) + ms;
  }
  return sum;
}

/** Wall time from the earliest start (`time - ms`) to the latest end among `loads`. */
function span(loads: readonly FileLoadLog[]): number {
  if (loads.length === 0) return 0;
  return Math.max(...loads.map((l) => l.time)) - Math.min(...loads.map((l) => l.time - l.ms));
}

function segment(loads: readonly FileLoadLog[], rows: number): Segment {
  const taken: FileLoadLog[] = [];
  let count = 0;
  for (const load of loads) {
    if (count >= rows) break;
    taken.push(load);
    count += load.rowsTotal;
  }
  const ms = span(taken);
  return { files: taken.length, rows: count, ms, rowsPerSec: ms > 0 ? (count * 1000) / ms : 0 };
}

/**
 * The growth figure compares the first and the last tenth of the rows, at least a million each:
 * 1 M of 10 M, 10 M of 100 M. With fewer than 2 M rows each side is half.
 */
export function growthSegmentRows(rows: number): number {
  return Math.max(1_000_000, Math.round(rows / 10));
}

/**
 * Load speed of the first files against the last ones (in log order), each side whole files
 * covering at least `segmentRows` rows, timed by wall clock from the first start to the last
 * commit on that side (so files loaded concurrently are not counted twice). Null with fewer than two files: one file cannot show a
 * trend. When the files hold fewer than 2 x `segmentRows` rows, each side takes half of them.
 */
export function growth(loads: readonly FileLoadLog[], segmentRows: number): Growth | null {
  if (loads.length < 2) return null;
  const total = loads.reduce((s, l) => s + l.rowsTotal, 0);
  const rows = Math.min(segmentRows, Math.floor(total / 2));
  const first = segment(loads, rows);
  const last = segment([...loads].reverse(), rows);
  const slowdown = last.rowsPerSec > 0 ? first.rowsPerSec / last.rowsPerSec - 1 : 0;
  return { segmentRows: rows, first, last, slowdown };
}
