import { Readable } from 'node:stream';
import { parse } from 'fast-csv';
import { FileFormatError } from './errors.js';
import { openRegularFile } from './safe-open.js';
import { MAX_LINE_BYTES, Utf8TextDecoder } from './text-decoder.js';

export interface CsvRecord {
  /** Line number: the header is 1, blank lines are not counted, a quoted line break stays in its record. */
  line: number;
  fields: string[];
}

export interface RecordSource {
  /** The records in order, a batch at a time. */
  batches: AsyncIterable<CsvRecord[]>;
  /** Bytes of the file consumed so far (for progress and for checking the file did not change). */
  bytesRead(): number;
}

/**
 * Streams a file's CSV records through fast-csv without holding the file in memory. With
 * `startOffset` > 0 (an appended part), the header line is read from the start of the file and
 * the records continue from the offset, numbered from `firstDataLine`.
 */
export async function readRecords(
  path: string,
  /** `header`: the header line to read the file with, for a continuation whose file has none. */
  options: { startOffset: number; firstDataLine: number; header?: string },
): Promise<RecordSource> {
  const decoder = new Utf8TextDecoder();
  // Never follows a link or opens a FIFO: the path was checked by the caller, this checks it again.
  const body = (await openRegularFile(path)).handle.createReadStream({ start: options.startOffset, highWaterMark: 1 << 20 });
  let source: Readable = body;
  let headerBytes = 0;
  if (options.startOffset > 0 || options.header !== undefined) {
    const header = options.header !== undefined ? Buffer.from(options.header) : await readHeaderLine(path);
    headerBytes = header.length;
    source = Readable.from(concat(header, body));
  }
  const parser = parse({ headers: false, ignoreEmpty: false, trim: false });
  source.on('error', (e) => parser.destroy(e));
  decoder.on('error', (e) => parser.destroy(e));

  // Rows are collected from 'data' events and handed over in batches: one await per batch rather
  // than per row. Past BATCH_ROWS buffered rows the parser pauses until the reader catches up.
  let buffer: CsvRecord[] = [];
  let ended = false;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const signal = () => {
    wake?.();
    wake = null;
  };
  let line = 0;
  parser.on('data', (fields: string[]) => {
    if (fields.length === 0 || (fields.length === 1 && fields[0]!.trim() === '')) return; // blank line
    line = line === 0 ? 1 : line === 1 ? options.firstDataLine : line + 1;
    buffer.push({ line, fields });
    if (buffer.length >= BATCH_ROWS) {
      parser.pause();
      signal();
    }
  });
  parser.on('end', () => {
    ended = true;
    signal();
  });
  parser.on('error', (error) => {
    failure ??= error;
    signal();
  });
  source.pipe(decoder).pipe(parser);

  async function* batches(): AsyncGenerator<CsvRecord[]> {
    try {
      for (;;) {
        if (buffer.length > 0) {
          const batch = buffer;
          buffer = [];
          yield batch;
          parser.resume();
          continue;
        }
        if (failure !== null) throw explain(failure, line);
        if (ended) return;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      body.destroy();
      parser.destroy();
    }
  }
  return { batches: batches(), bytesRead: () => Math.max(0, decoder.bytes - headerBytes) };
}

const BATCH_ROWS = 2048;

function explain(error: unknown, line: number): Error {
  if (error instanceof FileFormatError) return error;
  const message = (error as Error).message ?? String(error);
  if (/Parse Error/i.test(message)) {
    // fast-csv parses a whole chunk before it hands over its rows, so `line` is where the chunk began.
    const where = line === 0 ? 'near the start of the file' : `after line ${line}`;
    return new FileFormatError(`CSV syntax error ${where}: ${message.replace(/\s+/g, ' ').slice(0, 200)}`);
  }
  return error as Error;
}

async function* concat(head: Buffer, rest: Readable): AsyncGenerator<Buffer> {
  yield head;
  for await (const chunk of rest) yield chunk as Buffer;
}

/** The file's first line including its line break, read without streaming the whole file. */
async function readHeaderLine(path: string): Promise<Buffer> {
  const { handle } = await openRegularFile(path);
  try {
    const buffer = Buffer.alloc(Math.min(MAX_LINE_BYTES, 64 * 1024));
    let filled = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      const end = buffer.subarray(0, filled + bytesRead).findIndex((b) => b === 0x0a || b === 0x0d);
      if (end !== -1) {
        const stop = buffer[end] === 0x0d && buffer[end + 1] === 0x0a ? end + 2 : end + 1;
        return Buffer.from(buffer.subarray(0, stop));
      }
      filled += bytesRead;
      if (bytesRead === 0 || filled === buffer.length)
        throw new FileFormatError('the header line could not be read again for the appended part');
    }
  } finally {
    await handle.close();
  }
}
