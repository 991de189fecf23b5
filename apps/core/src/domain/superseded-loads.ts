/**
 * A file delivered again at a path loaded before, as a whole (not an appended part, not a
 * continuation), is a new version of an earlier delivery and replaces it: the readings that
 * delivery still holds and the new version lacks are removed. A delivery is a load with the
 * appended parts and continuations that followed it (each points at its base with appendOfId).
 *
 * Which deliveries it replaces: those it shares at least one reading (turbine, time) with. A file
 * under a reused name that shares no reading with an earlier delivery (the next day's
 * `export.csv`) is another export, not a version of it, and removes nothing of it.
 */

/** An earlier load of the path: its ledger id and the load it appended to, if any. */
export interface EarlierLoad {
  id: number;
  appendOfId: number | null;
}

/**
 * The ids of the earlier loads whose readings the new version supersedes: every load of each
 * delivery that one of `overlapped` (the loads holding a reading the new version also has) belongs
 * to. A base missing from `earlier` (another path's, or not loaded) ends the chain there.
 */
export function supersededLoads(earlier: readonly EarlierLoad[], overlapped: readonly number[]): number[] {
  const byId = new Map(earlier.map((load) => [load.id, load]));
  const deliveryOf = (id: number): number => {
    let current = id;
    const seen = new Set<number>();
    for (;;) {
      const base = byId.get(current)?.appendOfId;
      if (base === null || base === undefined || !byId.has(base) || seen.has(base)) return current;
      seen.add(current);
      current = base;
    }
  };
  const replaced = new Set(overlapped.filter((id) => byId.has(id)).map(deliveryOf));
  return earlier
    .map((load) => load.id)
    .filter((id) => replaced.has(deliveryOf(id)))
    .sort((a, b) => a - b);
}
