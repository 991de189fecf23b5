import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import {
  generateFileLines,
  planFiles,
  resolveOptions,
  type GeneratorOptions,
  type PlannedFile,
  type ResolvedOptions,
} from './telemetry.js';

/** One file written by `writeSampleData`. */
export interface WrittenFile {
  path: string;
  /** Data lines, header excluded (messiness can make it differ from the clean row count). */
  rows: number;
  bytes: number;
}

export interface SampleData {
  files: string[];
  rows: number;
  bytes: number;
}

/** Lines are gathered into chunks of about this many characters before each write. */
const CHUNK_CHARS = 64 * 1024;

/**
 * Streams one planned file to `target`, written under `<target>.part` and renamed when complete,
 * so a folder watcher (which ignores `*.part`) never picks up half a file.
 */
async function writeOneFile(options: ResolvedOptions, file: PlannedFile, target: string): Promise<WrittenFile> {
  const partial = `${target}.part`;
  const stream = createWriteStream(partial);
  // Remember a write error (disk full, no permission) instead of crashing on an unheard event.
  let failure: unknown = null;
  stream.on('error', (error) => {
    failure ??= error;
  });
  let rows = -1;
  let bytes = 0;
  let chunk = '';
  const flush = async (): Promise<void> => {
    if (failure !== null) throw failure;
    bytes += Buffer.byteLength(chunk);
    const accepted = stream.write(chunk);
    chunk = '';
    if (!accepted) await once(stream, 'drain');
  };
  try {
    for (const line of generateFileLines(options, file)) {
      rows += 1;
      chunk += line;
      if (chunk.length >= CHUNK_CHARS) await flush();
    }
    if (chunk.length > 0) await flush();
    stream.end();
    await finished(stream);
    await rename(partial, target);
  } catch (error) {
    stream.destroy();
    await rm(partial, { force: true });
    throw error;
  }
  return { path: target, rows, bytes };
}

/**
 * Generates the sample data set described by `options` (see `GeneratorOptions`; defaults give
 * the challenge's 3 files of 15 turbines for March 2022) into `dir`, creating it if needed and
 * replacing files of the same names. Files are written one after another in plan order;
 * `onFile` hears about each as soon as it is complete. Invalid options throw a RangeError
 * before anything is written.
 */
export async function writeSampleData(
  dir: string,
  options: GeneratorOptions = {},
  onFile?: (file: WrittenFile) => void,
): Promise<SampleData> {
  const resolved = resolveOptions(options);
  const plan = planFiles(resolved);
  await mkdir(dir, { recursive: true });
  const result: SampleData = { files: [], rows: 0, bytes: 0 };
  for (const file of plan) {
    const written = await writeOneFile(resolved, file, path.join(dir, file.name));
    result.files.push(written.path);
    result.rows += written.rows;
    result.bytes += written.bytes;
    onFile?.(written);
  }
  return result;
}
