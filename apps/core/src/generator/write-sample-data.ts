import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { generateLayoutLines } from './layouts/layout-lines.js';
import type { LayoutFile } from './layouts/layout-spec.js';
import { planFiles, resolveOptions, type GeneratorOptions, type PlannedFile, type ResolvedOptions } from './telemetry.js';

/** One file written by `writeSampleData`. */
export interface WrittenFile {
  path: string;
  /** Data lines, header and preamble excluded (messiness can make it differ from the clean row count). */
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
/** Files of one source open at once (a layout with a file per turbine); more take further passes. */
const MAX_OPEN_FILES = 128;

/** One file being written under `<target>.part`. */
class PartFile {
  readonly partial: string;
  readonly stream: WriteStream;
  /** A write error (disk full, no permission), remembered instead of crashing on an unheard event. */
  failure: unknown = null;
  lines = 0;
  bytes = 0;
  chunk = '';

  constructor(
    readonly file: LayoutFile,
    readonly target: string,
  ) {
    this.partial = `${target}.part`;
    this.stream = createWriteStream(this.partial);
    this.stream.on('error', (error) => {
      this.failure ??= error;
    });
  }

  async flush(): Promise<void> {
    if (this.failure !== null) throw this.failure;
    const bytes = Buffer.from(this.chunk, this.file.encoding);
    this.chunk = '';
    this.bytes += bytes.length;
    if (!this.stream.write(bytes)) await once(this.stream, 'drain');
  }

  async close(): Promise<WrittenFile> {
    if (this.chunk.length > 0) await this.flush();
    this.stream.end();
    await finished(this.stream);
    await rename(this.partial, this.target);
    return { path: this.target, rows: this.lines - 1, bytes: this.bytes };
  }

  async discard(): Promise<void> {
    this.stream.destroy();
    await rm(this.partial, { force: true });
  }
}

/**
 * Streams the files made of one planned file to `dir`, each written under `<name>.part` and
 * renamed when complete, so a folder watcher (which ignores `*.part`) never picks up half a file.
 * A layout with a file per turbine writes up to MAX_OPEN_FILES of them per pass over the source.
 */
async function writeSource(o: ResolvedOptions, source: PlannedFile, dir: string, onFile: (file: WrittenFile) => void): Promise<void> {
  const count = generateLayoutLines(o, source).files.length;
  for (let first = 0; first < count; first += MAX_OPEN_FILES) {
    const { files, lines } = generateLayoutLines(o, source);
    const open = files.slice(first, first + MAX_OPEN_FILES).map((file) => new PartFile(file, path.join(dir, file.name)));
    try {
      for (const line of lines) {
        const part = open[line.file - first];
        if (part === undefined) continue;
        part.lines += 1;
        part.chunk += line.text;
        if (part.chunk.length >= CHUNK_CHARS) await part.flush();
      }
      for (const part of open) onFile(await part.close());
    } catch (error) {
      await Promise.all(open.map((part) => part.discard()));
      throw error;
    }
  }
}

/**
 * Generates the sample data set described by `options` (see `GeneratorOptions`; defaults give
 * the challenge's 3 files of 15 turbines for March 2022) into `dir`, in `options.layout` (see
 * `layouts/layouts.ts`), creating it if needed and replacing files of the same names. Files are
 * written in plan order (a layout's files of one planned file together); `onFile` hears about
 * each as soon as it is complete. Invalid options throw a RangeError before anything is written.
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
  for (const source of plan) {
    await writeSource(resolved, source, dir, (written) => {
      result.files.push(written.path);
      result.rows += written.rows;
      result.bytes += written.bytes;
      onFile?.(written);
    });
  }
  return result;
}
