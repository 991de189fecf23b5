import type { InputProfile } from '../profiles/input-profile.js';
import { cleanRecords, type CleanedTotals, type CleaningSettings, type CleanTarget, type ResolveTurbines } from './clean-records.js';
import type { LoadedRanges } from '../domain/loaded-ranges.js';
import { CopyChunkWriter } from './copy-binary.js';
import { readRecords } from './read-records.js';

/** One pass over a file: what a parse thread (or the calling thread) is asked to do. */
export interface CleanTask {
  path: string;
  fileId: number;
  startOffset: number;
  firstDataLine: number;
  /** The header line to read with when the file has none (a slow writer's continuation). */
  header?: string | undefined;
  settings: CleaningSettings;
  mode: 'ordered' | 'sorted';
  /** The input profile the file is read with; null for the canonical layout. */
  profile: InputProfile | null;
  /** The file's bare name (a profile may take the turbine's name from it). */
  fileName: string;
}

/** What the loader's statements take (see turbine-ranges.ts). */
export type { TurbineRanges } from './turbine-ranges.js';

export type CleanTaskResult = { ordered: true; totals: CleanedTotals; bytesRead: number; ranges: LoadedRanges } | { ordered: false };

export interface CleanProgress {
  lines: number;
  bytes: number;
}

/** Binary COPY rows for `reading` or for `rejected_row` (see copy-binary.ts). */
export type ChunkKind = 'readings' | 'rejections';

/** Hands over a chunk of COPY data; the returned promise is the back-pressure. */
export type EmitChunk = (kind: ChunkKind, chunk: Buffer, progress: CleanProgress) => Promise<void>;

/** Readings are handed over in chunks of about this many bytes (3 200 rows). */
const CHUNK_BYTES = 1 << 18;
/** Rejections are rare: smaller chunks keep the loader's buffer of them small. */
const REJECTION_CHUNK_BYTES = 1 << 16;

/**
 * Reads, parses and cleans one file, turning every outcome into binary COPY rows; returns each
 * turbine's time range as the cleaner kept it (in typed arrays: a file may name a million
 * turbines). Memory stays bounded: rows are handed over in chunks, and the next lines wait for `emit`.
 */
export async function runCleanTask(task: CleanTask, emit: EmitChunk, resolveTurbines: ResolveTurbines): Promise<CleanTaskResult> {
  const source = await readRecords(task.path, {
    startOffset: task.startOffset,
    firstDataLine: task.firstDataLine,
    header: task.header,
    ...(task.profile ? { layout: task.profile } : {}),
  });
  let lines = 0;
  const full: Array<[ChunkKind, Buffer]> = [];
  const readings = new CopyChunkWriter(CHUNK_BYTES, task.fileId, (chunk) => full.push(['readings', chunk]));
  const rejections = new CopyChunkWriter(REJECTION_CHUNK_BYTES, task.fileId, (chunk) => full.push(['rejections', chunk]));
  const handOver = async () => {
    for (const [kind, chunk] of full.splice(0)) await emit(kind, chunk, { lines, bytes: source.bytesRead() });
  };
  const target: CleanTarget = {
    reading: (r) => readings.reading(r),
    rejection: (r) => rejections.rejection(r),
    drain: async () => {
      if (full.length > 0) await handOver();
    },
  };
  const result = await cleanRecords(
    source.batches,
    task.settings,
    target,
    task.mode,
    (n) => {
      lines = n;
    },
    { profile: task.profile, fileName: task.fileName, resolveTurbines },
  );
  if (!result.ordered) return { ordered: false };
  readings.end();
  rejections.end();
  await handOver();
  return { ordered: true, totals: result.totals, bytesRead: source.bytesRead(), ranges: result.ranges };
}
