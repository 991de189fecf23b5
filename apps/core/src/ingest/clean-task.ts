import { cleanRecords, type CleanedTotals, type CleaningSettings, type CleanTarget } from './clean-records.js';
import { readingCopyLine, rejectionCopyLine } from './copy-text.js';
import { readRecords } from './read-records.js';

/** One pass over a file: what a parse thread (or the calling thread) is asked to do. */
export interface CleanTask {
  path: string;
  startOffset: number;
  firstDataLine: number;
  /** The header line to read with when the file has none (a slow writer's continuation). */
  header?: string;
  settings: CleaningSettings;
  mode: 'ordered' | 'sorted';
}

export type CleanTaskResult = { ordered: true; totals: CleanedTotals; bytesRead: number } | { ordered: false };

export interface CleanProgress {
  lines: number;
  bytes: number;
}

/** Hands over a batch of COPY text; the returned promise is the back-pressure. */
export type EmitCopyText = (text: string, progress: CleanProgress) => Promise<void>;

/** COPY text is handed over in batches of about this many characters. */
const BATCH_CHARS = 1 << 18;

/**
 * Reads, parses and cleans one file, turning every outcome into COPY text for the staging table.
 * Memory stays bounded: text is handed over in batches and the next lines wait for `emit`.
 */
export async function runCleanTask(task: CleanTask, emit: EmitCopyText): Promise<CleanTaskResult> {
  const source = await readRecords(task.path, { startOffset: task.startOffset, firstDataLine: task.firstDataLine, header: task.header });
  let parts: string[] = [];
  let chars = 0;
  let lines = 0;
  const add = (line: string) => {
    parts.push(line);
    chars += line.length;
  };
  const flush = async () => {
    if (parts.length === 0) return;
    const text = parts.join('');
    parts = [];
    chars = 0;
    await emit(text, { lines, bytes: source.bytesRead() });
  };
  const target: CleanTarget = {
    reading: (r) => add(readingCopyLine(r)),
    rejection: (r) => add(rejectionCopyLine(r)),
    drain: async () => {
      if (chars >= BATCH_CHARS) await flush();
    },
  };
  const result = await cleanRecords(source.batches, task.settings, target, task.mode, (n) => {
    lines = n;
  });
  if (!result.ordered) return { ordered: false };
  await flush();
  return { ordered: true, totals: result.totals, bytesRead: source.bytesRead() };
}
