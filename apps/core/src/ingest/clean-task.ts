import type { InputProfile } from '../profiles/input-profile.js';
import { cleanRecords, type CleanedTotals, type CleaningSettings, type CleanTarget, type ResolveTurbines } from './clean-records.js';
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

/** Per turbine with loaded readings: the earliest and latest timestamp (epoch ms) and the number of readings, in columns. */
export interface TurbineRanges {
  turbineIds: number[];
  tsMin: number[];
  tsMax: number[];
  counts: number[];
}

export type CleanTaskResult = { ordered: true; totals: CleanedTotals; bytesRead: number; ranges: TurbineRanges } | { ordered: false };

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
 * Reads, parses and cleans one file, turning every outcome into binary COPY rows and noting each
 * turbine's time range. Memory stays bounded: rows are handed over in chunks, and the next lines
 * wait for `emit`.
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
  const ranges = new Map<number, { min: number; max: number; count: number }>();
  const handOver = async () => {
    for (const [kind, chunk] of full.splice(0)) await emit(kind, chunk, { lines, bytes: source.bytesRead() });
  };
  const target: CleanTarget = {
    reading: (r) => {
      readings.reading(r);
      const range = ranges.get(r.turbineId);
      if (range === undefined) {
        ranges.set(r.turbineId, { min: r.ts, max: r.ts, count: 1 });
        return;
      }
      range.count += 1;
      if (r.ts > range.max) range.max = r.ts;
      else if (r.ts < range.min) range.min = r.ts;
    },
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
  const turbineIds = [...ranges.keys()].sort((a, b) => a - b);
  return {
    ordered: true,
    totals: result.totals,
    bytesRead: source.bytesRead(),
    ranges: {
      turbineIds,
      tsMin: turbineIds.map((id) => ranges.get(id)!.min),
      tsMax: turbineIds.map((id) => ranges.get(id)!.max),
      counts: turbineIds.map((id) => ranges.get(id)!.count),
    },
  };
}
