import type { LoadedRanges } from '../domain/loaded-ranges.js';

/**
 * Per turbine with loaded readings, the earliest and latest timestamp (epoch ms) and the number of
 * readings, for one SQL statement: each column a one-dimensional Postgres array in its binary
 * format, bound to an int[] (ids, counts) or bigint[] (timestamps) parameter (pg sends a Buffer
 * as a binary parameter). Written straight from the typed arrays: an array of numbers given to pg
 * is escaped element by element, a few hundred bytes of garbage each, which for a file of a
 * million turbines made the loader's heap grow by 150 MB.
 */
export interface TurbineRanges {
  turbineIds: Buffer;
  tsMin: Buffer;
  tsMax: Buffer;
  counts: Buffer;
}

/** Turbines per statement that records a file's ranges: a file may name a million turbines. */
const TURBINES_PER_STATEMENT = 20_000;

/** A file's ranges as TurbineRanges of at most `size` turbines each, in order (ascending ids). */
export function* rangeChunks(ranges: LoadedRanges, size = TURBINES_PER_STATEMENT): Generator<TurbineRanges> {
  for (let from = 0; from < ranges.turbineIds.length; from += size) {
    const to = Math.min(ranges.turbineIds.length, from + size);
    yield {
      turbineIds: int4Array(ranges.turbineIds, from, to),
      tsMin: int8Array(ranges.tsMin, from, to),
      tsMax: int8Array(ranges.tsMax, from, to),
      counts: int4Array(ranges.counts, from, to),
    };
  }
}

/** The file's turbine ids alone, chunked as rangeChunks does. */
export function* turbineIdChunks(ranges: LoadedRanges, size = TURBINES_PER_STATEMENT): Generator<Buffer> {
  for (let from = 0; from < ranges.turbineIds.length; from += size) {
    yield int4Array(ranges.turbineIds, from, Math.min(ranges.turbineIds.length, from + size));
  }
}

const INT4_OID = 23;
const INT8_OID = 20;
const TWO_32 = 4_294_967_296;

/** Postgres' binary array header (array_recv): one dimension of `length` elements from 1, no nulls. */
function arrayBuffer(elementOid: number, elementBytes: number, length: number): Buffer {
  const buffer = Buffer.allocUnsafe(20 + length * (4 + elementBytes));
  buffer.writeInt32BE(1, 0);
  buffer.writeInt32BE(0, 4);
  buffer.writeInt32BE(elementOid, 8);
  buffer.writeInt32BE(length, 12);
  buffer.writeInt32BE(1, 16);
  return buffer;
}

function int4Array(column: Int32Array, from: number, to: number): Buffer {
  const buffer = arrayBuffer(INT4_OID, 4, to - from);
  for (let i = from, at = 20; i < to; i++, at += 8) {
    buffer.writeInt32BE(4, at);
    buffer.writeInt32BE(column[i]!, at + 4);
  }
  return buffer;
}

/** Integers (epoch milliseconds) as int8, written as two 32-bit halves. */
function int8Array(column: Float64Array, from: number, to: number): Buffer {
  const buffer = arrayBuffer(INT8_OID, 8, to - from);
  for (let i = from, at = 20; i < to; i++, at += 12) {
    const value = column[i]!;
    const high = Math.floor(value / TWO_32);
    buffer.writeInt32BE(8, at);
    buffer.writeInt32BE(high, at + 4);
    buffer.writeUInt32BE(value - high * TWO_32, at + 8);
  }
  return buffer;
}
