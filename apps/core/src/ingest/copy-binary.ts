import type { CleanReading, Rejection } from '../domain/types.js';

/**
 * A file's outcomes in Postgres' binary COPY format, written straight into large buffers: no
 * number is ever turned into text here, and Postgres parses no text either (a double is its 8
 * bytes, a timestamp its microseconds since 2000). The parse threads fill the buffers and hand
 * them over whole (their memory is transferred, not copied); the loader writes them to the socket.
 * Columns: READING_COPY_COLUMNS and REJECTION_COPY_COLUMNS.
 */

export const READING_COPY_COLUMNS = `turbine_id, ts, wind_speed, wind_direction, power_output,
  wind_speed_imputed, wind_direction_imputed, power_imputed, file_id`;
export const REJECTION_COPY_COLUMNS = 'file_id, line, raw, reason, detail';

/** Signature, flags and header-extension length: what every binary COPY starts with. */
export const COPY_BINARY_HEADER = Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]);
/** A field count of -1 ends the data. */
export const COPY_BINARY_TRAILER = Buffer.from([0xff, 0xff]);

/** Postgres counts timestamps from 2000-01-01 UTC. */
const PG_EPOCH_MS = 946_684_800_000;
const TWO_32 = 4_294_967_296;
const READING_ROW_BYTES = 2 + 8 + 12 + 12 + 12 + 12 + 5 + 5 + 5 + 8;

/** Rows of one kind into buffers of about `chunkBytes`; `flush` hands over each full one. */
export class CopyChunkWriter {
  private buffer: Buffer;
  private view: DataView;
  private pos = 0;
  rows = 0;

  constructor(
    private readonly chunkBytes: number,
    private readonly fileId: number,
    private readonly flush: (chunk: Buffer) => void,
  ) {
    this.buffer = Buffer.allocUnsafeSlow(chunkBytes);
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.length);
  }

  get bytes(): number {
    return this.pos;
  }

  reading(r: CleanReading): void {
    if (this.pos + READING_ROW_BYTES > this.buffer.length) this.handOver(READING_ROW_BYTES);
    const v = this.view;
    let p = this.pos;
    v.setInt16(p, 9);
    v.setInt32(p + 2, 4);
    v.setInt32(p + 6, r.turbineId);
    p = writeTimestamp(v, p + 10, r.ts);
    p = writeDouble(v, p, r.windSpeed);
    p = writeDouble(v, p, r.windDirection);
    p = writeDouble(v, p, r.power);
    v.setInt32(p, 1);
    v.setUint8(p + 4, r.windSpeedImputed ? 1 : 0);
    v.setInt32(p + 5, 1);
    v.setUint8(p + 9, r.windDirectionImputed ? 1 : 0);
    v.setInt32(p + 10, 1);
    v.setUint8(p + 14, r.powerImputed ? 1 : 0);
    v.setInt32(p + 15, 4);
    v.setInt32(p + 19, this.fileId);
    this.pos = p + 23;
    this.rows++;
  }

  rejection(r: Rejection): void {
    // Room for the worst case: three bytes of UTF-8 per UTF-16 unit.
    const most = 2 + 8 + 8 + 3 * (r.raw.length + r.reason.length + r.detail.length) + 12;
    if (this.pos + most > this.buffer.length) this.handOver(most);
    const v = this.view;
    let p = this.pos;
    v.setInt16(p, 5);
    v.setInt32(p + 2, 4);
    v.setInt32(p + 6, this.fileId);
    v.setInt32(p + 10, 4);
    v.setInt32(p + 14, r.line);
    p = this.writeText(p + 18, r.raw);
    p = this.writeText(p, r.reason);
    this.pos = this.writeText(p, r.detail);
    this.rows++;
  }

  /** Hands over what is buffered, if anything. */
  end(): void {
    if (this.pos > 0) this.handOver(0);
  }

  private writeText(p: number, text: string): number {
    const length = this.buffer.write(text, p + 4, 'utf8');
    this.view.setInt32(p, length);
    return p + 4 + length;
  }

  /** Flushes the full buffer and starts a new one with room for at least `need` bytes. */
  private handOver(need: number): void {
    if (this.pos > 0) this.flush(this.buffer.subarray(0, this.pos));
    this.buffer = Buffer.allocUnsafeSlow(Math.max(this.chunkBytes, need));
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.length);
    this.pos = 0;
  }
}

function writeDouble(v: DataView, p: number, value: number | null): number {
  if (value === null) {
    v.setInt32(p, -1);
    return p + 4;
  }
  v.setInt32(p, 8);
  v.setFloat64(p + 4, value + 0); // + 0 stores -0 as 0, as the text format did
  return p + 12;
}

function writeTimestamp(v: DataView, p: number, ms: number): number {
  v.setInt32(p, 8);
  const micros = (ms - PG_EPOCH_MS) * 1000;
  if (Number.isSafeInteger(micros)) {
    const high = Math.floor(micros / TWO_32);
    v.setInt32(p + 4, high);
    v.setUint32(p + 8, micros - high * TWO_32);
  } else {
    v.setBigInt64(p + 4, BigInt(ms - PG_EPOCH_MS) * 1000n); // beyond about year 2255
  }
  return p + 12;
}
