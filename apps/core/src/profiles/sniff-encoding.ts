/**
 * The first step of sniffing a profile: which of the profile encodings reads the file's first
 * bytes, and the text they hold. Pure.
 */
import type { Encoding } from './input-profile.js';

export interface EncodingGuess {
  encoding: Encoding;
  /** The bytes as text, a byte-order mark removed. */
  text: string;
  /** What was chosen and why, for the user. */
  note: string;
  /** Why no profile encoding can read the file (UTF-16 big-endian, binary data), or null. */
  undecided: string | null;
}

/** How many leading bytes decide whether the text is UTF-16 (every other byte NUL). */
const UTF16_PROBE = 4096;

/**
 * Guesses the encoding of a file from its first bytes: utf-16le for a FF FE byte-order mark or
 * NULs in every other byte, utf-8 when the bytes are valid UTF-8 (a EF BB BF mark removed), else
 * windows-1252, naming the first byte UTF-8 cannot read. With `mayBeCut`, a character cut off at
 * the end of the head does not count against UTF-8. Big-endian UTF-16 and other NUL bytes (a
 * spreadsheet or an archive renamed .csv) cannot be read by any profile: `undecided` says so.
 */
export function sniffEncoding(head: Buffer, mayBeCut: boolean): EncodingGuess {
  if (head[0] === 0xff && head[1] === 0xfe) {
    return utf16(head.subarray(2), 'a FF FE byte-order mark: UTF-16 little-endian text');
  }
  const unreadable = (why: string): EncodingGuess => ({
    encoding: 'utf-8',
    text: new TextDecoder('utf-8').decode(head),
    note: `encoding: undecided (${why})`,
    undecided: `encoding: ${why}`,
  });
  if (head[0] === 0xfe && head[1] === 0xff)
    return unreadable('a FE FF byte-order mark: UTF-16 big-endian, which no profile reads; convert the file to UTF-8');
  const nul = head.indexOf(0);
  if (nul !== -1) {
    const { odd, even } = nulShares(head.subarray(0, UTF16_PROBE));
    if (odd > 0.3 && even < 0.05) return utf16(head, 'no byte-order mark, but every other byte is NUL: UTF-16 little-endian text');
    if (even > 0.3 && odd < 0.05)
      return unreadable('every other byte is NUL, in front: UTF-16 big-endian, which no profile reads; convert the file to UTF-8');
    return unreadable(`a NUL byte at offset ${nul}: binary data, not CSV text`);
  }
  const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
  const body = bom ? head.subarray(3) : head;
  const invalid = firstInvalidUtf8(body, mayBeCut);
  if (invalid === -1) {
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(body);
    const wide = /[^\p{ASCII}]/u.exec(text);
    const why = bom
      ? 'a UTF-8 byte-order mark, removed when read, and valid UTF-8 after it'
      : wide
        ? `valid UTF-8, with non-ASCII text such as "${wide[0]}"`
        : head.length === 0
          ? 'the default: the file is empty'
          : `plain ASCII in the first ${head.length} bytes, read alike as UTF-8 or windows-1252; a later byte may still need windows-1252`;
    return { encoding: 'utf-8', text, note: `encoding: utf-8 (${why})`, undecided: null };
  }
  const offset = invalid + (bom ? 3 : 0);
  const byte = head[offset]!;
  const seen = new TextDecoder('windows-1252').decode(Uint8Array.of(byte));
  return {
    encoding: 'windows-1252',
    text: new TextDecoder('windows-1252').decode(head),
    note: `encoding: windows-1252 (byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')} at offset ${offset} is not valid UTF-8; windows-1252 reads it as "${seen}")`,
    undecided: null,
  };
}

function utf16(bytes: Buffer, why: string): EncodingGuess {
  return {
    encoding: 'utf-16le',
    text: new TextDecoder('utf-16le', { ignoreBOM: true }).decode(bytes),
    note: `encoding: utf-16le (${why})`,
    undecided: null,
  };
}

function nulShares(bytes: Buffer): { odd: number; even: number } {
  let odd = 0;
  let even = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0) continue;
    if (i % 2 === 0) even++;
    else odd++;
  }
  const half = Math.max(1, bytes.length / 2);
  return { odd: odd / half, even: even / half };
}

/**
 * The offset of the first byte that makes `bytes` invalid UTF-8 (overlong forms, surrogates and
 * code points above U+10FFFF included), or -1. With `mayBeCut`, a sequence that is incomplete only
 * because the bytes end is not an error.
 */
export function firstInvalidUtf8(bytes: Uint8Array, mayBeCut: boolean): number {
  const length = bytes.length;
  let i = 0;
  while (i < length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    let needed: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) needed = 1;
    else if (lead >= 0xe0 && lead <= 0xef) {
      needed = 2;
      if (lead === 0xe0) low = 0xa0; // overlong
      if (lead === 0xed) high = 0x9f; // surrogates
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      needed = 3;
      if (lead === 0xf0) low = 0x90; // overlong
      if (lead === 0xf4) high = 0x8f; // above U+10FFFF
    } else return i;
    for (let k = 1; k <= needed; k++) {
      if (i + k >= length) return mayBeCut ? -1 : i;
      const next = bytes[i + k]!;
      if (next < (k === 1 ? low : 0x80) || next > (k === 1 ? high : 0xbf)) return i;
    }
    i += needed + 1;
  }
  return -1;
}
