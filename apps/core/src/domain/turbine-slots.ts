/**
 * Dense slot numbers for the turbines of one file, so that per-turbine state can live in typed
 * arrays instead of a Map of objects: the first id seen gets slot 0, the next new one slot 1, and
 * so on. A file may name a million turbines; a Map entry and an object per turbine cost several
 * hundred bytes each on the heap (and the heap grows to about twice what it holds), this costs
 * 10 to 20 bytes a turbine outside it.
 *
 * Per-slot values are kept in blocks of SLOT_BLOCK slots (see `blockOf` and `offsetIn`), so growing
 * never copies and never holds two copies at once; only the index (an open-addressing hash table
 * of slot numbers, one Int32Array) is rebuilt as it grows. Ids are 32-bit integers (turbine ids
 * are Postgres int4; named turbines have negative ones).
 */

const SLOT_SHIFT = 16;
/**
 * Slots per block: 65 536, so a block of 8 doubles a slot is 4 MB. Blocks that large are mapped
 * by malloc on their own and given back whole when released; a file's few turbines touch only
 * the first pages of its one block.
 */
export const SLOT_BLOCK = 1 << SLOT_SHIFT;
const SLOT_MASK = SLOT_BLOCK - 1;
/** The index is rebuilt twice as large when it is this full. */
const MAX_LOAD = 0.7;

/**
 * Frees typed arrays' memory now (ArrayBuffer.prototype.transfer, ES2024, detaches them) instead
 * of at their thread's next garbage collection, which an idle parse thread may not have for a
 * long time. The arrays are unusable afterwards.
 */
export function releaseArrays(arrays: Iterable<{ buffer: ArrayBufferLike } | undefined>): void {
  for (const array of arrays) {
    const buffer = array?.buffer as { detached?: boolean; transfer?: (length: number) => ArrayBuffer } | undefined;
    if (buffer?.detached === false) buffer.transfer?.(0);
  }
}

/** The block holding a slot's values. */
export function blockOf(slot: number): number {
  return slot >>> SLOT_SHIFT;
}

/** A slot's position in its block, in units of `stride` values. */
export function offsetIn(slot: number, stride: number): number {
  return (slot & SLOT_MASK) * stride;
}

export class TurbineSlots {
  /** Slot + 1 per hash position; 0 is free. */
  private index = new Int32Array(1 << 10);
  /** 32 - log2(the index's length): a hash is the product's top bits. */
  private shift = 22;
  private readonly ids: Int32Array[] = [];
  private count = 0;

  /** How many turbines have a slot: the slots are 0 to size - 1. */
  get size(): number {
    return this.count;
  }

  /** The id's slot, giving it the next one when the id is new. */
  slotOf(id: number): number {
    const index = this.index;
    const mask = index.length - 1;
    let at = hash(id, this.shift);
    for (let entry = index[at]!; entry !== 0; entry = index[at]!) {
      if (this.idOf(entry - 1) === id) return entry - 1;
      at = (at + 1) & mask;
    }
    const slot = this.count++;
    if ((slot & SLOT_MASK) === 0) this.ids.push(new Int32Array(SLOT_BLOCK));
    this.ids[blockOf(slot)]![slot & SLOT_MASK] = id;
    index[at] = slot + 1;
    if (this.count > index.length * MAX_LOAD) this.grow();
    return slot;
  }

  /** The id's slot, or -1 when the id has none. */
  find(id: number): number {
    const index = this.index;
    const mask = index.length - 1;
    for (let at = hash(id, this.shift), entry = index[at]!; entry !== 0; at = (at + 1) & mask, entry = index[at]!) {
      if (this.idOf(entry - 1) === id) return entry - 1;
    }
    return -1;
  }

  /** The id that has `slot`. */
  idOf(slot: number): number {
    return this.ids[blockOf(slot)]![slot & SLOT_MASK]!;
  }

  /** Frees the slots' memory (see releaseArrays); the object is unusable afterwards. */
  release(): void {
    releaseArrays([this.index, ...this.ids]);
    this.ids.length = 0;
    this.count = 0;
  }

  private grow(): void {
    const index = new Int32Array(this.index.length * 2);
    const mask = index.length - 1;
    this.shift -= 1;
    for (let slot = 0; slot < this.count; slot++) {
      let at = hash(this.idOf(slot), this.shift);
      while (index[at] !== 0) at = (at + 1) & mask;
      index[at] = slot + 1;
    }
    this.index = index;
  }
}

/** Spreads neighbouring ids (1, 2, 3, ...) over the index: Fibonacci hashing, the product's top bits. */
function hash(id: number, shift: number): number {
  return Math.imul(id, 0x9e3779b1) >>> shift;
}
