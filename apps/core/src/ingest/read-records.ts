import type { FileHandle } from 'node:fs/promises';
import { ParserOptions } from '@fast-csv/parse';
import { Parser } from '@fast-csv/parse/build/src/parser/index.js';
import { createHeadScanner, hasHeadRules, type HeadResult, type HeadRules } from '../domain/file-head.js';
import type { Delimiter, Encoding } from '../profiles/input-profile.js';
import { FileFormatError } from './errors.js';
import { openRegularFile } from './safe-open.js';
import { createChunkDecoder, Utf8ChunkDecoder } from './text-decoder.js';

/** Records in file order; their line numbers are `firstLine`, `firstLine + 1`, ... */
export interface RecordBatch {
  firstLine: number;
  rows: string[][];
  /** On the header's batch, for a file with a head (a profile's preamble): the preamble lines. */
  preamble?: string[];
}

/** How a file's text is laid out: its encoding, delimiter and head (see domain/file-head.ts). */
export interface TextLayout extends HeadRules {
  encoding: Encoding;
  delimiter: Delimiter;
}

/** The canonical layout: UTF-8, commas, the header on line 1. */
export const CANONICAL_TEXT: TextLayout = { encoding: 'utf-8', delimiter: ',', skipLines: 0, commentPrefix: null, headerPrefix: null };

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
  options: { startOffset: number; firstDataLine: number; header?: string | undefined; layout?: TextLayout },
): Promise<RecordSource> {
  const layout = options.layout ?? CANONICAL_TEXT;
  const withHead = hasHeadRules(layout);
  // Never follows a link or opens a FIFO: the path was checked by the caller, this checks it again.
  const { handle } = await openRegularFile(path);
  let bytesRead = 0;
  async function* batches(): AsyncGenerator<RecordBatch> {
    const parser = new Parser(new ParserOptions({ headers: false, ignoreEmpty: false, trim: false, delimiter: layout.delimiter }));
    const decoder = createChunkDecoder(layout.encoding, options.startOffset);
    let pending = '';
    let deferred: string[] = [];
    let deferredChars = 0;
    let line = 0; // the last record's line number
    /** The header's line number: 1 without a head; its physical line with one. */
    let headerLine = 1;
    let preamble: string[] | undefined;
    let firstDataLine = options.firstDataLine;
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
        const isHeader = line === 0;
        line = isHeader ? headerLine : line === headerLine ? firstDataLine : line + 1;
        if (isHeader) {
          yield { firstLine: headerLine, rows: [fields], ...(preamble ? { preamble } : {}) }; // data lines may continue elsewhere
          continue;
        }
        if (rows.length === 0) firstLine = line;
        rows.push(fields);
      }
      if (rows.length > 0) yield { firstLine, rows };
      // What the parser left is the record still open, on the line after the last one.
      if (pending.length > MAX_FIELDS && tooManyFields(pending, layout.delimiter)) {
        throw new FileFormatError(`line ${line + 1} has more than ${MAX_FIELDS} fields: not a telemetry CSV`);
      }
      if (pending.length > MAX_RECORD_BYTES / 4 && Buffer.byteLength(pending) > MAX_RECORD_BYTES) {
        throw new FileFormatError(
          `the record starting at line ${line + 1} is longer than ${MAX_RECORD_BYTES} bytes (an unclosed quote?): not a telemetry CSV`,
        );
      }
    };
    /** Hands a found head to the parser: its header line first, then what follows it. */
    const startAfterHead = function* (result: HeadResult, rest: boolean): Generator<RecordBatch> {
      if (result.done === 'failed') throw new FileFormatError(result.reason);
      if (result.done !== true) return;
      const { head } = result;
      preamble = head.preamble;
      headerLine = head.headerLine;
      if (options.startOffset === 0) firstDataLine = head.headerLine + 1;
      yield* take(`${head.header}\n`, true);
      if (rest) yield* feed(head.rest);
    };
    const feed = function* (text: string): Generator<RecordBatch> {
      for (let at = 0; at < text.length; at += PARSE_CHARS) yield* take(text.slice(at, at + PARSE_CHARS), true);
    };
    try {
      // A file with a head is scanned for it first (an appended part reads it from the start of
      // the file again); the canonical layout's header is simply its first record.
      let scanner = withHead && options.startOffset === 0 ? createHeadScanner(layout) : null;
      if (options.header !== undefined) yield* take(options.header, true);
      else if (withHead && options.startOffset > 0) yield* startAfterHead(await readHead(handle, layout), false);
      else if (options.startOffset > 0) yield* take(await readHeaderLine(handle), true);
      const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      let position = options.startOffset;
      let first = true;
      for (;;) {
        const { bytesRead: n } = await handle.read(chunk, 0, CHUNK_BYTES, position);
        if (n === 0) break;
        position += n;
        bytesRead += n;
        let text = decoder.decode(chunk.subarray(0, n));
        if (first && scanner && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
        if (scanner) {
          const result = scanner.push(text);
          if (result.done === false) continue;
          scanner = null;
          yield* startAfterHead(result, true);
          continue;
        }
        yield* feed(text);
      }
      decoder.finish();
      if (scanner) yield* startAfterHead(scanner.end(), true);
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
function tooManyFields(open: string, delimiter: string): boolean {
  if (open.includes('"')) return false;
  let delimiters = 0;
  for (let i = open.indexOf(delimiter); i !== -1; i = open.indexOf(delimiter, i + 1)) if (++delimiters >= MAX_FIELDS) return true;
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

/** The head of a file with one (preamble and header), read from its start for an appended part. */
async function readHead(handle: FileHandle, layout: TextLayout): Promise<HeadResult> {
  const scanner = createHeadScanner(layout);
  const decoder = createChunkDecoder(layout.encoding);
  const buffer = Buffer.alloc(64 * 1024);
  for (let position = 0; ;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) return scanner.end();
    let text = decoder.decode(buffer.subarray(0, bytesRead));
    if (position === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    position += bytesRead;
    const result = scanner.push(text);
    if (result.done !== false) return result;
  }
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
