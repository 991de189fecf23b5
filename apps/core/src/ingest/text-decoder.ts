import { isAscii } from 'node:buffer';
import { FileFormatError } from './errors.js';

/**
 * Bytes in, text out, refusing what is not UTF-8 text: invalid byte sequences and NUL bytes (a
 * gzip or spreadsheet renamed .csv). A chunk that is plain ASCII (nearly every chunk of an export)
 * is read as Latin-1, the cheapest conversion V8 has and the same text for ASCII; any other chunk
 * goes through a strict TextDecoder. A character split across two chunks is carried over.
 */
export class Utf8ChunkDecoder {
  private readonly strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private carry: Buffer | null = null;
  /** Bytes decoded so far (the offset of the next chunk). */
  offset = 0;

  decode(chunk: Buffer): string {
    const nul = chunk.indexOf(0);
    if (nul !== -1) throw new FileFormatError(`the file contains a NUL byte at offset ${this.offset + nul}: binary data, not CSV text`);
    const start = this.offset - (this.carry?.length ?? 0);
    this.offset += chunk.length;
    const bytes = this.carry === null ? chunk : Buffer.concat([this.carry, chunk]);
    this.carry = null;
    if (isAscii(bytes)) return bytes.toString('latin1');
    const end = completeCharactersEnd(bytes);
    if (end < bytes.length) this.carry = Buffer.from(bytes.subarray(end));
    try {
      return this.strict.decode(bytes.subarray(0, end));
    } catch {
      throw new FileFormatError(`the file is not valid UTF-8 text (an invalid byte sequence near offset ${start})`);
    }
  }

  /** Call at the end of the file: a character left incomplete is an error. */
  finish(): void {
    if (this.carry !== null) throw new FileFormatError('the file is not valid UTF-8 text (it ends inside a multi-byte character)');
  }
}

/**
 * Where the last complete UTF-8 character of `bytes` ends: the start of a trailing multi-byte
 * sequence that is still missing bytes, or the length. Invalid bytes are left for the decoder.
 */
function completeCharactersEnd(bytes: Buffer): number {
  const length = bytes.length;
  for (let back = 1; back <= 4 && back <= length; back++) {
    const byte = bytes[length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? length - back : length;
  }
  return length;
}
