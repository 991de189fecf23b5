/**
 * The third step of sniffing a profile: which header names hold the fields Windmill reads, by
 * the names exports usually give them. Pure.
 */
import type { ProfileColumns } from './input-profile.js';

export type ColumnField = keyof ProfileColumns;

export interface ColumnGuess {
  /** The position in the header. */
  index: number;
  /** The name as written (trimmed). */
  name: string;
  /** Names that also looked like this field but were passed over (statistics, other quantities). */
  passedOver: string[];
}

interface FieldNames {
  /** Normalised names, best first (written `a|b|c`). */
  exact: string[];
  /** A looser test, used when no exact name is present. */
  like: RegExp;
  /** Words that make a name some other quantity or a statistic of this one. */
  not: RegExp;
}

/** Statistics and related quantities that are not the plain (average) value. */
const STATISTIC =
  /\b(std|stdev|sd|standard deviation|deviation|var|variance|min|minimum|max|maximum|theoretical|curve|expected|reference|potential|possible|available|set ?point|limit|target|counter|count|sensor \d+)\b/;

const names = (list: string) => list.split('|');

const FIELDS: Record<ColumnField, FieldNames> = {
  timestamp: {
    exact: names(
      'timestamp|date and time|date time|datetime|zeitstempel|time stamp|datum uhrzeit|datum und uhrzeit|horodatage|date heure|fecha hora|date|time|datum|ts',
    ),
    like: /\b(timestamp|date ?time|date|datum|zeitstempel|horodatage)\b/,
    not: /\b(duration|interval|since|zone|based|operating|hours)\b/,
  },
  power_output: {
    exact: names(
      'power|power output|active power|activepower|lv activepower|lv active power|p avg|p|power avg|power mean|power average|avg power|mean power|active power avg|active power mean|power kw|power mw|power w|output power|grid power|real power|leistung|wirkleistung|puissance|puissance active|potencia',
    ),
    like: /\b(power|activepower|leistung|wirkleistung|puissance|potencia)\b/,
    not: /\b(reactive|apparent|factor|cosphi|energy|export|import|lost|loss|consumption|demand|grid frequency|kvar|kwh|mwh)\b/,
  },
  wind_speed: {
    exact: names(
      'wind speed|windspeed|ws avg|ws|wind speed avg|wind speed mean|wind speed average|avg wind speed|mean wind speed|wind|wspd|wind spd|windgeschwindigkeit|vitesse du vent|vitesse vent|velocidad viento|wind speed ms',
    ),
    like: /\b(wind ?speed|windgeschwindigkeit|vitesse du vent)\b/,
    not: /\b(nacelle|rotor|generator|gust|turbulence|ratio)\b/,
  },
  wind_direction: {
    exact: names(
      'wind direction|winddirection|wa avg|wa|wind direction avg|wind direction mean|avg wind direction|mean wind direction|wind dir|wdir|wd|direction|windrichtung|direction du vent|direction vent|wind angle',
    ),
    like: /\b(wind ?direction|windrichtung|direction du vent)\b/,
    not: /\b(nacelle|vane|relative|yaw|rotor)\b/,
  },
  turbine_id: {
    exact: names(
      'turbine|turbine id|turbineid|turbine name|wind turbine name|wind turbine|wind turbine id|turbine number|turbine no|wtg|wtg id|wtg name|wec|wea|anlage|asset|asset id|asset name|unit|unit id|device|device id',
    ),
    like: /\b(turbine|wtg)\b/,
    not: /\b(status|state|type|model|temperature|temp|speed|power|hours)\b/,
  },
};

/** The order fields pick columns in: a column taken by an earlier field is not offered again. */
const ORDER: ColumnField[] = ['timestamp', 'power_output', 'wind_speed', 'wind_direction', 'turbine_id'];

/**
 * A header name as compared: lower case, units in parentheses or brackets removed, `_ - / .` and
 * runs of spaces as one space (`LV ActivePower (kW)` is `lv activepower`, `P_avg` is `p avg`).
 */
export function comparableName(name: string): string {
  return name
    .replace(/^\uFEFF/, '')
    .toLowerCase()
    .replace(/\([^)]*\)|\[[^\]]*\]/g, ' ')
    .replace(/[_\-/.\s]+/g, ' ')
    .trim();
}

/**
 * The header's column for each field, by its usual names (case-insensitive, units ignored): an
 * exact known name first (`Power (kW)` before `Active power` before `P_avg`), else a name that
 * contains the field's words. Names of statistics or of other quantities (`Power, Standard
 * deviation`, `Power, Minimum`, `Theoretical_Power_Curve`, `Reactive power`, `Wind speed Sensor 1`)
 * are never taken; they are listed as passed over. A column is given to one field only.
 */
export function sniffColumns(header: readonly string[]): Partial<Record<ColumnField, ColumnGuess>> {
  const names = header.map(comparableName);
  const taken = new Set<number>();
  const result: Partial<Record<ColumnField, ColumnGuess>> = {};
  for (const field of ORDER) {
    const { exact, like, not } = FIELDS[field];
    let best = -1;
    let bestRank = Number.POSITIVE_INFINITY;
    const passedOver: string[] = [];
    names.forEach((name, index) => {
      if (taken.has(index)) return;
      const rank = exact.indexOf(name);
      const looksLike = rank !== -1 || like.test(name);
      if (!looksLike) return;
      if (rank === -1 && (STATISTIC.test(name) || not.test(name))) {
        passedOver.push(header[index]!);
        return;
      }
      const score = rank === -1 ? exact.length : rank;
      if (score < bestRank) {
        if (best !== -1) passedOver.push(header[best]!);
        best = index;
        bestRank = score;
      } else passedOver.push(header[index]!);
    });
    if (best === -1) continue;
    taken.add(best);
    result[field] = { index: best, name: header[best]!, passedOver };
  }
  return result;
}
