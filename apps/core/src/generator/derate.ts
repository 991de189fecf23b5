/**
 * Derates: chosen turbines deliver only part of their power on chosen days, the way blade
 * damage, icing or a forgotten curtailment would show in the data. The loss is proportional
 * (power × (1 − fraction) at every wind speed), not a cap at a share of rated power, so a
 * derated day stands out against the power curve whatever the wind, and the loss injected into
 * each reading is known exactly (see `readingAt`).
 */

export interface Derate {
  /** Turbine ids, each within 1..turbines. */
  turbines: readonly number[];
  /** First day, `YYYY-MM-DD` (UTC), within the generated days. */
  from: string;
  /** Last day, inclusive, not before `from`, within the generated days. */
  to: string;
  /** Share of the power taken away, 0 < fraction <= 1: 0.25 leaves 75 %, 1 stops the turbine. */
  fraction: number;
}

/** A turbine's derated periods as half-open epoch-second ranges. */
interface Span {
  from: number;
  to: number;
  fraction: number;
}

/** Fraction of the power taken away from `turbineId` at `epochSeconds`; 0 when not derated. */
export type DerateLookup = (turbineId: number, epochSeconds: number) => number;

const DAY = 86_400;
const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

function dayStart(text: string): number {
  if (!DAY_PATTERN.test(text)) return Number.NaN;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().startsWith(text) ? ms / 1000 : Number.NaN;
}

/**
 * Parses the command-line form `<turbines>:<day>[..<day>]:<fraction>`, e.g. `7:2022-03-10:0.5`
 * or `3,5-7:2022-03-10..2022-03-14:0.25` (turbines as ids and inclusive id ranges, days
 * inclusive). Checks the form only; `derateProblems` checks it against the data set.
 * Throws RangeError saying what is wrong.
 */
export function parseDerate(text: string): Derate {
  const parts = text.split(':');
  const fail = (why: string): never => {
    throw new RangeError(`derate "${text}": ${why}; expected <turbines>:<day>[..<day>]:<fraction>, e.g. 7:2022-03-10..2022-03-14:0.25`);
  };
  if (parts.length !== 3) fail('needs three parts separated by ":"');
  const [turbineText, dayText, fractionText] = parts as [string, string, string];
  const turbines: number[] = [];
  for (const item of turbineText.split(',')) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(item.trim());
    if (range === null) return fail(`turbines "${turbineText}" must be ids or ranges like 3,5-7`);
    const first = Number(range[1]);
    const last = Number(range[2] ?? range[1]);
    if (first < 1 || last < first || last - first > 100_000) fail(`turbine range "${item.trim()}" is empty or not positive`);
    for (let id = first; id <= last; id += 1) turbines.push(id);
  }
  const days = dayText.split('..');
  if (days.length > 2) fail(`days "${dayText}" must be a day or first..last`);
  const fraction = /^(\d+(\.\d*)?|\.\d+)$/.test(fractionText) ? Number(fractionText) : Number.NaN;
  if (Number.isNaN(fraction)) fail(`fraction "${fractionText}" must be a number`);
  return { turbines: [...new Set(turbines)].sort((a, b) => a - b), from: days[0]!.trim(), to: (days[1] ?? days[0]!).trim(), fraction };
}

/** What is wrong with `derates` for a data set of `turbines` turbines and `days` days from `startMs`. */
export function derateProblems(derates: readonly Derate[], turbines: number, startMs: number, days: number): string[] {
  const problems: string[] = [];
  const firstDay = startMs / 1000;
  const end = firstDay + days * DAY;
  derates.forEach((d, i) => {
    const name = `derates[${i}]`;
    const from = dayStart(d.from);
    const to = dayStart(d.to);
    if (d.turbines.length === 0) problems.push(`${name} names no turbine`);
    const outside = d.turbines.filter((id) => !Number.isInteger(id) || id < 1 || id > turbines);
    if (outside.length > 0) problems.push(`${name} names turbines outside 1..${turbines}: ${outside.join(', ')}`);
    if (Number.isNaN(from) || Number.isNaN(to)) problems.push(`${name} days must be dates YYYY-MM-DD (got ${d.from}..${d.to})`);
    else if (to < from) problems.push(`${name} ends (${d.to}) before it starts (${d.from})`);
    else if (!Number.isNaN(firstDay) && (from < firstDay || to + DAY > end)) {
      problems.push(`${name} days ${d.from}..${d.to} are not all within the generated days`);
    }
    if (!(d.fraction > 0 && d.fraction <= 1)) problems.push(`${name} fraction must be more than 0 and at most 1 (got ${d.fraction})`);
  });
  if (problems.length === 0) {
    for (const [id, spans] of spansByTurbine(derates)) {
      for (let k = 1; k < spans.length; k += 1) {
        if (spans[k]!.from < spans[k - 1]!.to) problems.push(`derates overlap for turbine ${id}`);
      }
    }
  }
  return problems;
}

function spansByTurbine(derates: readonly Derate[]): Map<number, Span[]> {
  const byTurbine = new Map<number, Span[]>();
  for (const d of derates) {
    const span = { from: dayStart(d.from), to: dayStart(d.to) + DAY, fraction: d.fraction };
    for (const id of d.turbines) {
      const list = byTurbine.get(id) ?? [];
      list.push(span);
      byTurbine.set(id, list);
    }
  }
  for (const list of byTurbine.values()) list.sort((a, b) => a.from - b.from);
  return byTurbine;
}

/**
 * A lookup of valid (see `derateProblems`) derates: the fraction taken from a turbine at an
 * instant, from 00:00 UTC of `from` up to but excluding 00:00 UTC after `to`.
 */
export function createDerateLookup(derates: readonly Derate[]): DerateLookup {
  const byTurbine = spansByTurbine(derates);
  if (byTurbine.size === 0) return () => 0;
  return (turbineId, epochSeconds) => {
    const spans = byTurbine.get(turbineId);
    if (spans === undefined) return 0;
    for (const span of spans) if (epochSeconds >= span.from && epochSeconds < span.to) return span.fraction;
    return 0;
  };
}
