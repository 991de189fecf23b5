import { isAscii } from 'node:buffer';
import type { Encoding } from '../profiles/input-profile.js';
import { FileFormatError } from './errors.js';

/** Turns a file's bytes into text a chunk at a time, refusing what is not text in its encoding. */
export interface ChunkDecoder {
  decode(chunk: Buffer): string;
  /** Call at the end of the file: a character left incomplete is an error. */
  finish(): void;
}

const ENCODING_HINT =
  "if the file is written in another encoding, name it in the file's input profile (INPUT_PROFILES, field `encoding`: " +
  'windows-1252 is usual for Windows exports; `npm run profile -- FILE` guesses it)';

/**
 * The decoder for `encoding`, whose first byte is at `offset` in the file (an appended part starts
 * mid-file). NUL characters are refused in every encoding: a gzip or spreadsheet renamed .csv.
 * windows-1252 and iso-8859-1 give every byte a character, so only UTF-8 and UTF-16LE can meet
 * invalid bytes; their error names the byte offset and how to set the encoding.
 */
export function createChunkDecoder(encoding: Encoding, offset = 0): ChunkDecoder {
  switch (encoding) {
    case 'utf-8':
      return new Utf8ChunkDecoder(offset);
    case 'iso-8859-1':
      return byteDecoder(offset, (chunk) => chunk.toString('latin1'));
    case 'windows-1252': {
      const decoder = new TextDecoder('windows-1252');
      return byteDecoder(offset, (chunk) => (isAscii(chunk) ? chunk.toString('latin1') : decoder.decode(chunk)));
    }
    case 'utf-16le':
      return new Utf16ChunkDecoder(offset);
  }
}

/** One byte, one character: nothing can be invalid but a NUL. */
function byteDecoder(offset: number, decode: (chunk: Buffer) => string): ChunkDecoder {
  return {
    decode(chunk) {
      const nul = chunk.indexOf(0);
      if (nul !== -1) throw nulByte(offset + nul);
      offset += chunk.length;
      return decode(chunk);
    },
    finish() {},
  };
}

const nulByte = (at: number) => new FileFormatError(`the file contains a NUL byte at offset ${at}: binary data, not CSV text`);

/**
 * Bytes in, text out, refusing what is not UTF-8 text: invalid byte sequences and NUL bytes. A
 * chunk that is plain ASCII (nearly every chunk of an export) is read as Latin-1, the cheapest
 * conversion V8 has and the same text for ASCII; any other chunk goes through a strict
 * TextDecoder. A character split across two chunks is carried over.
 */
export class Utf8ChunkDecoder implements ChunkDecoder {
  private readonly strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private carry: Buffer | null = null;

  /** `offset`: the file offset of the next chunk's first byte. */
  constructor(public offset = 0) {}

  decode(chunk: Buffer): string {
    const nul = chunk.indexOf(0);
    if (nul !== -1) throw nulByte(this.offset + nul);
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
      const bad = firstInvalidUtf8(bytes.subarray(0, end));
      throw new FileFormatError(
        `the file is not valid UTF-8 text: byte 0x${bytes[bad]!.toString(16).toUpperCase().padStart(2, '0')} at offset ${start + bad} ` +
          `does not begin or continue a UTF-8 character; ${ENCODING_HINT}`,
      );
    }
  }

  finish(): void {
    if (this.carry !== null) {
      throw new FileFormatError(`the file is not valid UTF-8 text: it ends inside a multi-byte character; ${ENCODING_HINT}`);
    }
  }
}

/** UTF-16LE (a BOM is removed); strict about unpaired surrogates and an odd byte at the end. */
class Utf16ChunkDecoder implements ChunkDecoder {
  private readonly strict = new TextDecoder('utf-16le', { fatal: true });

  constructor(private offset: number) {}

  decode(chunk: Buffer): string {
    let text: string;
    try {
      text = this.strict.decode(chunk, { stream: true });
    } catch {
      throw new FileFormatError(`the file is not valid UTF-16LE text near offset ${this.offset}; ${ENCODING_HINT}`);
    }
    const nul = text.indexOf('\0');
    if (nul !== -1) throw new FileFormatError(`the file contains a NUL character near offset ${this.offset}: binary data, not CSV text`);
    this.offset += chunk.length;
    return text;
  }

  finish(): void {
    try {
      this.strict.decode();
    } catch {
      throw new FileFormatError(`the file is not valid UTF-16LE text: it ends inside a character; ${ENCODING_HINT}`);
    }
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

/**
 * The index of the first byte that breaks UTF-8 in `bytes` (which the strict decoder refused).
 * Only run on that error path, so it favours plainness over speed: it checks each sequence's
 * lead byte, its length and its continuation bytes, overlong forms and surrogates included.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const length = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    // The second byte's allowed range excludes overlong forms, surrogates and code points past U+10FFFF.
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k < length; k++) {
      const byte = bytes[i + k];
      if (byte === undefined) return i;
      if (k === 1 ? byte < low || byte > high : (byte & 0xc0) !== 0x80) return i + k;
    }
    i += length;
  }
  return bytes.length;
}
