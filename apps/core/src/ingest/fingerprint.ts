import { createHash } from 'node:crypto';
import { openRegularFile } from './safe-open.js';

export interface Fingerprint {
  sha256: string;
  size: number;
  /** When asked for: the SHA-256 of the first `prefixBytes` bytes and whether they end a line. */
  prefix?: { sha256: string; endsWithLineBreak: boolean };
  /** The first line with its line break, when it ends within FIRST_LINE_MAX bytes (a header does). */
  firstLine?: string;
}

/** The longest first line kept: far more than any header. */
const FIRST_LINE_MAX = 64 * 1024;

/**
 * Hashes a file in one streaming pass: its content identity (SHA-256) and, for append detection,
 * the hash of its first `prefixBytes` bytes (the size of what was loaded from the same path before).
 * Only a regular file is read (inside `root` when given): anything else is a RefusedFileError
 * (see safe-open.ts), thrown before a byte is read.
 */
export async function fingerprintFile(path: string, prefixBytes?: number, options: { root?: string } = {}): Promise<Fingerprint> {
  const whole = createHash('sha256');
  const prefix = prefixBytes !== undefined ? createHash('sha256') : null;
  let size = 0;
  let lastPrefixByte = -1;
  let head = Buffer.alloc(0);
  const { handle } = await openRegularFile(path, options);
  for await (const chunk of handle.createReadStream({ highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    whole.update(chunk);
    if (prefix !== null && prefixBytes !== undefined && size < prefixBytes) {
      const take = Math.min(chunk.length, prefixBytes - size);
      prefix.update(chunk.subarray(0, take));
      if (take > 0 && size + take === prefixBytes) lastPrefixByte = chunk[take - 1]!;
    }
    if (head.length < FIRST_LINE_MAX) head = Buffer.concat([head, chunk.subarray(0, FIRST_LINE_MAX - head.length)]);
    size += chunk.length;
  }
  const result: Fingerprint = { sha256: whole.digest('hex'), size };
  const firstLine = firstLineOf(head);
  if (firstLine !== undefined) result.firstLine = firstLine;
  if (prefix !== null && prefixBytes !== undefined && size >= prefixBytes) {
    result.prefix = { sha256: prefix.digest('hex'), endsWithLineBreak: lastPrefixByte === 0x0a || lastPrefixByte === 0x0d };
  }
  return result;
}

/** The bytes up to and including the first line break (CRLF counts as one), as text. */
function firstLineOf(bytes: Buffer): string | undefined {
  const end = bytes.findIndex((b) => b === 0x0a || b === 0x0d);
  if (end === -1) return undefined;
  const stop = bytes[end] === 0x0d && bytes[end + 1] === 0x0a ? end + 2 : end + 1;
  // A CR at the very end of what was kept may be the first half of a CRLF: not decided, not kept.
  if (bytes[end] === 0x0d && end + 1 === bytes.length) return undefined;
  return bytes.subarray(0, stop).toString('utf8');
}
