import { createHash } from 'node:crypto';
import { openRegularFile } from './safe-open.js';

export interface Fingerprint {
  sha256: string;
  size: number;
  /** When asked for: the SHA-256 of the first `prefixBytes` bytes and whether they end a line. */
  prefix?: { sha256: string; endsWithLineBreak: boolean };
}

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
  const { handle } = await openRegularFile(path, options);
  for await (const chunk of handle.createReadStream({ highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    whole.update(chunk);
    if (prefix !== null && prefixBytes !== undefined && size < prefixBytes) {
      const take = Math.min(chunk.length, prefixBytes - size);
      prefix.update(chunk.subarray(0, take));
      if (take > 0 && size + take === prefixBytes) lastPrefixByte = chunk[take - 1]!;
    }
    size += chunk.length;
  }
  const result: Fingerprint = { sha256: whole.digest('hex'), size };
  if (prefix !== null && prefixBytes !== undefined && size >= prefixBytes) {
    result.prefix = { sha256: prefix.digest('hex'), endsWithLineBreak: lastPrefixByte === 0x0a || lastPrefixByte === 0x0d };
  }
  return result;
}
