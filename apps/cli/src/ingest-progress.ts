import { Writable } from 'node:stream';
import { MultiBar, type SingleBar } from 'cli-progress';
import type { BatchProgress } from '@windmill/core/ingest/batch-ingest';

/**
 * What `npm run ingest` shows on a terminal: one progress bar (bytes read of all files, so the ETA
 * holds for files of any size) with files done, rows per second and the stage, and any warning
 * printed as a plain line above it.
 */
export interface ProgressView {
  update(progress: BatchProgress): void;
  /** A line above the bar (a warning, a failed file). */
  log(line: string): void;
  stop(): void;
}

export function createProgressView(stream: NodeJS.WriteStream, now: () => number = Date.now): ProgressView {
  const started = now();
  const bars = new MultiBar({
    stream,
    format: ' {bar} {percentage}% | {files} files | {rate} rows/s | ETA {eta_formatted} | {stage}',
    barCompleteChar: '█',
    barIncompleteChar: '░',
    hideCursor: true,
    clearOnComplete: false,
    etaBuffer: 50,
    fps: 5,
  });
  let bar: SingleBar | null = null;
  return {
    update(p) {
      const payload = {
        files: `${p.filesDone}/${p.filesTotal}`,
        rate: formatRate(p.lines, now() - started),
        stage: p.stage === 'files' ? 'loading' : 'computing statistics',
      };
      if (!bar) bar = bars.create(Math.max(1, p.bytesTotal), p.bytesDone, payload);
      else bar.update(p.bytesDone, payload);
    },
    log(line) {
      bars.log(`${line}\n`);
    },
    stop() {
      bars.stop();
    },
  };
}

/** Rows per second, readable: 850, 12.3 k, 1.45 M. */
export function formatRate(rows: number, elapsedMs: number): string {
  const perSecond = elapsedMs > 0 ? (rows * 1000) / elapsedMs : 0;
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M`;
  if (perSecond >= 1e4) return `${(perSecond / 1e3).toFixed(0)} k`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k`;
  return perSecond.toFixed(0);
}

/**
 * A log destination for the terminal: each JSON line pino writes becomes one short readable line
 * ("warn  file failed: not readable as telemetry CSV  data/x.csv: the file is empty").
 */
export function readableLogLines(print: (line: string) => void): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      pending += chunk.toString('utf8');
      let end: number;
      while ((end = pending.indexOf('\n')) !== -1) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 1);
        if (line.trim() !== '') print(describeLogLine(line));
      }
      done();
    },
  });
}

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** One pino JSON line as a readable one: level, message, the file it is about, and why. */
export function describeLogLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const level = LEVELS[entry.level as number] ?? String(entry.level);
  const parts = [level.padEnd(5), String(entry.msg ?? '')];
  if (typeof entry.file === 'string') parts.push(entry.file);
  const why = entry.reason ?? entry.err;
  if (typeof why === 'string') parts.push(`(${why})`);
  return parts.join('  ');
}
