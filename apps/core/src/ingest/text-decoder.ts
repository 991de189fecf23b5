import { Transform, type TransformCallback } from 'node:stream';
import { FileFormatError } from './errors.js';

/** Longer lines than this are not telemetry; refusing them keeps memory bounded on hostile input. */
export const MAX_LINE_BYTES = 1 << 20;

/**
 * Bytes in, strings out, refusing what is not UTF-8 text: invalid byte sequences, NUL bytes (a
 * gzip or spreadsheet renamed .csv) and absurdly long lines. Also counts the bytes it passed on.
 */
export class Utf8TextDecoder extends Transform {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private offset = 0;
  private lineLength = 0;
  bytes = 0;

  constructor() {
    super({ readableObjectMode: false, decodeStrings: true, encoding: 'utf8' });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const nul = chunk.indexOf(0);
    if (nul !== -1) {
      done(new FileFormatError(`the file contains a NUL byte at offset ${this.offset + nul}: binary data, not CSV text`));
      return;
    }
    const firstBreak = firstLineBreak(chunk);
    if (firstBreak === -1) {
      this.lineLength += chunk.length;
    } else {
      const longest = this.lineLength + firstBreak;
      this.lineLength = chunk.length - 1 - lastLineBreak(chunk);
      if (longest > MAX_LINE_BYTES) this.lineLength = longest;
    }
    if (this.lineLength > MAX_LINE_BYTES) {
      done(new FileFormatError(`a line near offset ${this.offset} is longer than ${MAX_LINE_BYTES} bytes: not a telemetry CSV`));
      return;
    }
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: true });
    } catch {
      done(new FileFormatError(`the file is not valid UTF-8 text (an invalid byte sequence near offset ${this.offset})`));
      return;
    }
    this.offset += chunk.length;
    this.bytes += chunk.length;
    done(null, text);
  }

  override _flush(done: TransformCallback): void {
    try {
      const tail = this.decoder.decode();
      done(null, tail.length > 0 ? tail : undefined);
    } catch {
      done(new FileFormatError('the file is not valid UTF-8 text (it ends inside a multi-byte character)'));
    }
  }
}

const LF = 0x0a;
const CR = 0x0d;

function firstLineBreak(chunk: Buffer): number {
  const lf = chunk.indexOf(LF);
  const cr = chunk.indexOf(CR);
  return lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
}

function lastLineBreak(chunk: Buffer): number {
  return Math.max(chunk.lastIndexOf(LF), chunk.lastIndexOf(CR));
}
