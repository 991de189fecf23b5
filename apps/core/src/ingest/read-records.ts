import type { FileHandle } from 'node:fs/promises';
import { ParserOptions } from '@fast-csv/parse';
import { Parser } from '@fast-csv/parse/build/src/parser/index.js';
import { FileFormatError } from './errors.js';
import { openRegularFile } from './safe-open.js';
import { Utf8ChunkDecoder } from './text-decoder.js';

/** Records in file order; their line numbers are `firstLine`, `firstLine + 1`, ... */
export interface RecordBatch {
  firstLine: number;
  rows: string[][];
}

export interface RecordSource {
  /** The records in order, a batch at a time; blank lines are left out (they are not counted). */
  batches: AsyncIterable<RecordBatch>;
  /** Bytes of the file consumed so far (for progress and for checking the file did not change). */
  bytesRead(): number;
}

/**
 * A record longer than this is not telemetry. It is a limit on the record, not on the physical
 * line: an unclosed quote would otherwise make the parser hold the rest of the file.
 */
export const MAX_RECORD_BYTES = 1 << 20;
/** More fields than a spreadsheet has columns (16 384) is not telemetry either. */
export const MAX_FIELDS = 16_384;
/** The file is read this many bytes at a time... */
const CHUNK_BYTES = 1 << 18;
/**
 * ...and handed to the parser in slices of about this many characters: the rows of a slice then
 * die young, in the thread's young generation. Whole 256 KB chunks kept their rows alive across
 * several scavenges, which promoted them and made the old generation collect all the time.
 */
const PARSE_CHARS = 1 << 13;
/**
 * A record still open after this many characters is parsed again only once enough text has come
 * to end it or to pass the record limit: the parser starts an open record over on every call.
 */
const LONG_RECORD_CHARS = 1 << 16;

/**
 * Streams a file's CSV records through fast-csv's parser without holding the file in memory. The
 * parser is called directly, a chunk at a time (its stream wrapper adds per-row callbacks and
 * buffering that cost more than they bring here); what it returns unparsed is the record still
 * open at the end of the chunk, which is how the record limit is enforced. With `startOffset` > 0
 * (an appended part), the header line is read from the start of the file and the records continue
 * from the offset, numbered from `firstDataLine`.
 */
export async function readRecords(
  path: string,
  /** `header`: the header line to read the file with, for a continuation whose file has none. */
  options: { startOffset: number; firstDataLine: number; header?: string | undefined },
): Promise<RecordSource> {
  // Never follows a link or opens a FIFO: the path was checked by the caller, this checks it again.
  const { handle } = await openRegularFile(path);
  let bytesRead = 0;
  async function* batches(): AsyncGenerator<RecordBatch> {
    const parser = new Parser(new ParserOptions({ headers: false, ignoreEmpty: false, trim: false }));
    const decoder = new Utf8ChunkDecoder();
    let pending = '';
    let deferred: string[] = [];
    let deferredChars = 0;
    let line = 0; // the last record's line number
    const take = function* (text: string, more: boolean): Generator<RecordBatch> {
      if (more && pending.length > LONG_RECORD_CHARS && pending.length + deferredChars + text.length <= MAX_RECORD_BYTES) {
        deferred.push(text);
        deferredChars += text.length;
        return;
      }
      const input = deferred.length === 0 ? pending + text : pending + deferred.join('') + text;
      deferred = [];
      deferredChars = 0;
      let parsed;
      try {
        parsed = parser.parse(input, more);
      } catch (error) {
        throw explain(error, line);
      }
      pending = parsed.line;
      const rows: string[][] = [];
      let firstLine = 0;
      for (const fields of parsed.rows) {
        if (fields.length > MAX_FIELDS) {
          throw new FileFormatError(`line ${line + 1} has more than ${MAX_FIELDS} fields: not a telemetry CSV`);
        }
        if (fields.length === 0 || (fields.length === 1 && fields[0]!.trim() === '')) continue; // blank line
        line = line === 0 ? 1 : line === 1 ? options.firstDataLine : line + 1;
        if (line === 1) {
          yield { firstLine: 1, rows: [fields] }; // the header: data lines may continue elsewhere
          continue;
        }
        if (rows.length === 0) firstLine = line;
        rows.push(fields);
      }
      if (rows.length > 0) yield { firstLine, rows };
      // What the parser left is the record still open, on the line after the last one.
      if (pending.length > MAX_FIELDS && tooManyFields(pending)) {
        throw new FileFormatError(`line ${line + 1} has more than ${MAX_FIELDS} fields: not a telemetry CSV`);
      }
      if (pending.length > MAX_RECORD_BYTES / 4 && Buffer.byteLength(pending) > MAX_RECORD_BYTES) {
        throw new FileFormatError(
          `the record starting at line ${line + 1} is longer than ${MAX_RECORD_BYTES} bytes (an unclosed quote?): not a telemetry CSV`,
        );
      }
    };
    try {
      if (options.header !== undefined) yield* take(options.header, true);
      else if (options.startOffset > 0) yield* take(await readHeaderLine(handle), true);
      const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      let position = options.startOffset;
      for (;;) {
        const { bytesRead: n } = await handle.read(chunk, 0, CHUNK_BYTES, position);
        if (n === 0) break;
        position += n;
        bytesRead += n;
        const text = decoder.decode(chunk.subarray(0, n));
        for (let at = 0; at < text.length; at += PARSE_CHARS) yield* take(text.slice(at, at + PARSE_CHARS), true);
      }
      decoder.finish();
      if (pending !== '' || deferred.length > 0) yield* take('', false);
    } finally {
      await handle.close();
    }
  }
  return { batches: batches(), bytesRead: () => bytesRead };
}

/**
 * Whether an open (unfinished) record already has more than MAX_FIELDS fields: certain when it
 * holds no quote, as every comma is then a delimiter. Checked before the parser is asked to go on
 * with it, so a line of a million commas fails without building a million-field row.
 */
function tooManyFields(open: string): boolean {
  if (open.includes('"')) return false;
  let commas = 0;
  for (let i = open.indexOf(','); i !== -1; i = open.indexOf(',', i + 1)) if (++commas >= MAX_FIELDS) return true;
  return false;
}

function explain(error: unknown, line: number): Error {
  if (error instanceof FileFormatError) return error;
  const message = (error as Error).message ?? String(error);
  if (/Parse Error/i.test(message)) {
    const where = line === 0 ? 'near the start of the file' : `after line ${line}`;
    return new FileFormatError(`CSV syntax error ${where}: ${message.replace(/\s+/g, ' ').slice(0, 200)}`);
  }
  return error as Error;
}

/** The file's first line including its line break, read without streaming the whole file. */
async function readHeaderLine(handle: FileHandle): Promise<string> {
  const buffer = Buffer.alloc(64 * 1024);
  let filled = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
    const end = buffer.subarray(0, filled + bytesRead).findIndex((b) => b === 0x0a || b === 0x0d);
    if (end !== -1) {
      const stop = buffer[end] === 0x0d && buffer[end + 1] === 0x0a ? end + 2 : end + 1;
      return new Utf8ChunkDecoder().decode(buffer.subarray(0, stop));
    }
    filled += bytesRead;
    if (bytesRead === 0 || filled === buffer.length)
      throw new FileFormatError('the header line could not be read again for the appended part');
  }
}
