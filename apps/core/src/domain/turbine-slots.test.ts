import { blockOf, offsetIn, releaseArrays, SLOT_BLOCK, TurbineSlots } from '@windmill/core/domain/turbine-slots';

describe('TurbineSlots', () => {
  it('gives ids dense slots in the order they are first seen, the same slot every time after', () => {
    const slots = new TurbineSlots();
    expect([7, 3, 7, 12, 3].map((id) => slots.slotOf(id))).toEqual([0, 1, 0, 2, 1]);
    expect(slots.size).toBe(3);
    expect([0, 1, 2].map((slot) => slots.idOf(slot))).toEqual([7, 3, 12]);
    expect(slots.find(12)).toBe(2);
    expect(slots.find(4)).toBe(-1);
  });

  it('keeps every int4 id apart: zero, negative (named turbines) and the largest', () => {
    const slots = new TurbineSlots();
    const ids = [0, -1, -2, 2_147_483_647, -2_147_483_648, 1];
    expect(ids.map((id) => slots.slotOf(id))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(ids.map((id) => slots.find(id))).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('finds every id again after its index has grown many times, ids in blocks past the first', () => {
    const slots = new TurbineSlots();
    // Consecutive ids, then ids that share their low bits, which a poor hash would pile up.
    const ids = [...Array.from({ length: 150_000 }, (_, i) => i + 1), ...Array.from({ length: 50_000 }, (_, i) => (i + 40) * 4096)];
    expect(ids.every((id, slot) => slots.slotOf(id) === slot)).toBe(true);
    expect(slots.size).toBe(ids.length);
    expect(ids.every((id, slot) => slots.find(id) === slot && slots.idOf(slot) === id)).toBe(true);
    expect(slots.find(150_001)).toBe(-1);
    expect(blockOf(ids.length - 1)).toBeGreaterThan(1);
  });

  it('places a slot in its block by stride', () => {
    expect([blockOf(0), offsetIn(0, 5)]).toEqual([0, 0]);
    expect([blockOf(SLOT_BLOCK - 1), offsetIn(SLOT_BLOCK - 1, 5)]).toEqual([0, (SLOT_BLOCK - 1) * 5]);
    expect([blockOf(SLOT_BLOCK + 2), offsetIn(SLOT_BLOCK + 2, 5)]).toEqual([1, 10]);
  });
});

describe('releaseArrays', () => {
  it('frees typed arrays at once (they read as empty), and again without harm', () => {
    const arrays = [new Float64Array(1024), new Int32Array(16)];
    releaseArrays([...arrays, undefined]);
    expect(arrays.map((a) => a.length)).toEqual([0, 0]);
    expect(() => releaseArrays(arrays)).not.toThrow();
  });
});
