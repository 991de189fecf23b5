import { blockOf, offsetIn, releaseArrays, SLOT_BLOCK, type TurbineSlots } from './turbine-slots.js';

/** Per turbine with loaded readings, ascending by id: the earliest and latest timestamp (epoch ms) and the number of readings. */
export interface LoadedRanges {
  turbineIds: Int32Array<ArrayBuffer>;
  tsMin: Float64Array<ArrayBuffer>;
  tsMax: Float64Array<ArrayBuffer>;
  counts: Int32Array<ArrayBuffer>;
}

// Per slot: the earliest and latest time of its loaded readings and how many (0: none yet).
const FIRST_TS = 0;
const LAST_TS = 1;
const COUNT = 2;
const STRIDE = 3;

/**
 * What a file loaded per turbine (its readings' time range and count, which the loader records for
 * the statistics and the reading counts), kept by turbine slot in typed arrays: 24 bytes a turbine.
 */
export class LoadedRangeTable {
  private readonly blocks: Float64Array[] = [];

  /** Makes room for the slots up to `slot`. */
  reserve(slot: number): void {
    while (blockOf(slot) >= this.blocks.length) this.blocks.push(new Float64Array(SLOT_BLOCK * STRIDE));
  }

  /** Counts a reading loaded at `ts` for the turbine in `slot`. */
  add(slot: number, ts: number): void {
    const block = this.blocks[blockOf(slot)]!;
    const at = offsetIn(slot, STRIDE);
    if (block[at + COUNT] === 0) {
      block[at + FIRST_TS] = ts;
      block[at + LAST_TS] = ts;
    } else if (ts > block[at + LAST_TS]!) block[at + LAST_TS] = ts;
    else if (ts < block[at + FIRST_TS]!) block[at + FIRST_TS] = ts;
    block[at + COUNT]! += 1;
  }

  /** The turbines with loaded readings, by id (`slots` names them); releases the table's memory. */
  take(slots: TurbineSlots): LoadedRanges {
    const counted = (slot: number) => this.blocks[blockOf(slot)]![offsetIn(slot, STRIDE) + COUNT] !== 0;
    let count = 0;
    for (let slot = 0; slot < slots.size; slot++) if (counted(slot)) count++;
    const turbineIds = new Int32Array(count);
    for (let slot = 0, i = 0; slot < slots.size; slot++) if (counted(slot)) turbineIds[i++] = slots.idOf(slot);
    turbineIds.sort();
    const tsMin = new Float64Array(count);
    const tsMax = new Float64Array(count);
    const counts = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const slot = slots.find(turbineIds[i]!);
      const block = this.blocks[blockOf(slot)]!;
      const at = offsetIn(slot, STRIDE);
      tsMin[i] = block[at + FIRST_TS]!;
      tsMax[i] = block[at + LAST_TS]!;
      counts[i] = block[at + COUNT]!;
    }
    releaseArrays(this.blocks);
    this.blocks.length = 0;
    return { turbineIds, tsMin, tsMax, counts };
  }
}
