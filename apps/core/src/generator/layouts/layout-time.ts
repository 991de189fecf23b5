/**
 * Respelling of the generator's naive UTC timestamp cell (`2022-03-01 00:00:00`) as the day-first
 * minute times of the single-turbine (`01 03 2022 00:00`) and European (`01.03.2022 01:00`, local
 * time) exports. Pure apart from Intl's time-zone data.
 */

const NAIVE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const HOUR_MS = 3_600_000;

/** Epoch ms of a valid naive UTC timestamp `YYYY-MM-DD HH:MM:SS`, or null (`2022-13-01 00:00:00`, `yesterday`). */
export function parseNaiveUtc(text: string): number | null {
  const m = NAIVE.exec(text);
  if (m === null) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  return new Date(ms).getUTCDate() === d ? ms : null; // 31.02. rolls over into March
}

/**
 * Offsets of `timeZone` from UTC in ms, remembered for the last UTC hour asked about (exports
 * repeat each time once per turbine). The zone's changes must fall on whole UTC hours, as every
 * European zone's do (01:00 UTC).
 */
function createOffsetLookup(timeZone: string): (epochMs: number) => number {
  if (timeZone === 'UTC') return () => 0;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  });
  let cachedHour = Number.NaN;
  let cachedOffset = 0;
  return (epochMs) => {
    const hour = Math.floor(epochMs / HOUR_MS);
    if (hour !== cachedHour) {
      const at = hour * HOUR_MS;
      const p = Object.fromEntries(parts.formatToParts(at).map((x) => [x.type, Number(x.value)]));
      cachedOffset = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!) - at;
      cachedHour = hour;
    }
    return cachedOffset;
  };
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/**
 * A respeller of naive UTC timestamp cells as day-first times without seconds,
 * `dd<sep>mm<sep>yyyy HH:MM`, as wall-clock time in `timeZone` (`UTC` or an IANA zone).
 *
 * - A valid time with seconds other than 00 throws: these layouts need whole-minute intervals
 *   (resolveOptions checks that before anything is written).
 * - A deliberately invalid time keeps its invalid fields in the new order (`2022-13-01 00:00:00`
 *   -> `01.13.2022 00:00`), and its seconds when they are not `00`, so it stays unparseable in
 *   the layout's format; other text (`yesterday`, `''`, `01/03/2022 00:00`) is left as it is,
 *   which no day-first format with this separator reads either.
 * - Local time is ambiguous once a year: the autumn hour that repeats (03:00 -> 02:00 in Paris)
 *   writes two different instants with the same text, so a reader cannot tell them apart (the
 *   loader reads both as the first). Data read back equals the canonical data only for periods
 *   without that change.
 */
export function createDayFirstRespeller(separator: ' ' | '.', timeZone: string): (cell: string) => string {
  const offsetAt = createOffsetLookup(timeZone);
  let lastCell: string | null = null;
  let lastText = '';
  return (cell) => {
    if (cell === lastCell) return lastText;
    const m = NAIVE.exec(cell);
    let text = cell;
    if (m !== null) {
      const [, y, mo, d, h, mi, s] = m as unknown as [string, string, string, string, string, string, string];
      const utc = parseNaiveUtc(cell);
      if (utc === null) {
        text = `${d}${separator}${mo}${separator}${y} ${h}:${mi}${s === '00' ? '' : `:${s}`}`;
      } else {
        if (s !== '00') throw new RangeError(`timestamp ${cell} has seconds: this layout writes whole minutes only`);
        const local = new Date(utc + offsetAt(utc));
        text =
          `${pad2(local.getUTCDate())}${separator}${pad2(local.getUTCMonth() + 1)}${separator}${String(local.getUTCFullYear()).padStart(4, '0')} ` +
          `${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())}`;
      }
    }
    lastCell = cell;
    lastText = text;
    return text;
  };
}
