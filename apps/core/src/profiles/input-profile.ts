/**
 * Input profiles: how to read an export that is not in the canonical layout (SPEC section 8). A
 * profile is plain data (it travels to the parse threads by structured clone); this module holds
 * its type, the validation of a profiles file and the presets it may start from. Pure: the file is
 * read by the caller.
 */
import { z } from 'zod';
import { checkTimestampFormat } from '../domain/timestamp-format.js';
import { PRESETS, type PresetName } from './presets.js';

export const ENCODINGS = ['utf-8', 'windows-1252', 'iso-8859-1', 'utf-16le'] as const;
export type Encoding = (typeof ENCODINGS)[number];
export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];
export const POWER_UNITS = ['W', 'kW', 'MW'] as const;
export type PowerUnit = (typeof POWER_UNITS)[number];
export const WIND_SPEED_UNITS = ['m/s', 'km/h', 'kn'] as const;
export type WindSpeedUnit = (typeof WIND_SPEED_UNITS)[number];

/** Where a file's turbine name comes from. */
export type TurbineSource =
  { from: 'column' } | { from: 'fileName'; pattern: string } | { from: 'preamble'; pattern: string } | { from: 'value'; value: string };

/** The file's own names for the fields Windmill reads (compared trimmed, case-insensitively). */
export interface ProfileColumns {
  timestamp: string;
  power_output: string;
  wind_speed?: string | undefined;
  wind_direction?: string | undefined;
  turbine_id?: string | undefined;
}

/** A validated profile with every default filled in. */
export interface InputProfile {
  name: string;
  /** Globs, matched case-insensitively against the path relative to the watched folder. */
  match: string[];
  encoding: Encoding;
  delimiter: Delimiter;
  decimalSeparator: '.' | ',';
  commentPrefix: string | null;
  headerPrefix: string | null;
  skipLines: number;
  missingValues: string[];
  columns: ProfileColumns;
  /** strftime-like; null: the canonical formats. */
  timestampFormat: string | null;
  /** IANA zone for naive times; null: SOURCE_TIMEZONE. */
  timezone: string | null;
  units: { power_output: PowerUnit; wind_speed: WindSpeedUnit };
  turbine: TurbineSource;
  /** The preset it started from, if any. */
  preset: PresetName | null;
}

/** A turbine name: trimmed, 1 to 64 characters. */
export const MAX_TURBINE_NAME = 64;

const isTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

const isOneGroupPattern = (pattern: string): string | null => {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern);
  } catch (error) {
    return `not a valid regular expression (${(error as Error).message})`;
  }
  // A pattern's capture groups: matching against an empty alternative reveals their number.
  const groups = new RegExp(`${regex.source}|`).exec('')!.length - 1;
  return groups === 1 ? null : `needs exactly one capture group for the turbine name, found ${groups}`;
};

const pattern = z.string().superRefine((value, ctx) => {
  const problem = isOneGroupPattern(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const turbineSchema = z.union([
  z.strictObject({ from: z.literal('column') }),
  z.strictObject({ from: z.literal('fileName'), pattern }),
  z.strictObject({ from: z.literal('preamble'), pattern }),
  z.strictObject({ from: z.literal('value').optional(), value: z.string().trim().min(1).max(MAX_TURBINE_NAME) }),
]);

const columnName = z.string().trim().min(1, 'expected a column name');

/** One profile as written in the file: every field optional except `name` and `match`. */
const writtenProfileSchema = z.strictObject({
  name: z.string().trim().min(1, 'expected a name').max(64, 'expected at most 64 characters'),
  match: z.union([z.string().min(1), z.array(z.string().min(1)).min(1, 'expected at least one glob')]),
  preset: z.enum(Object.keys(PRESETS) as [PresetName, ...PresetName[]]).optional(),
  encoding: z
    .string()
    .transform((v) => v.toLowerCase().replace(/^utf8$/, 'utf-8'))
    .pipe(z.enum(ENCODINGS, { error: `expected one of ${ENCODINGS.join(', ')}` }))
    .optional(),
  delimiter: z
    .string()
    .transform((v) => (v === '\\t' ? '\t' : v))
    .pipe(z.enum(DELIMITERS, { error: 'expected one of ",", ";", "\\t", "|"' }))
    .optional(),
  decimalSeparator: z.enum(['.', ','], { error: 'expected "." or ","' }).optional(),
  commentPrefix: z.string().min(1).nullable().optional(),
  headerPrefix: z.string().min(1).nullable().optional(),
  skipLines: z.number().int().min(0).max(10_000).optional(),
  missingValues: z.array(z.string()).optional(),
  columns: z
    .strictObject({
      timestamp: columnName.optional(),
      power_output: columnName.optional(),
      // null: the file has no such column (a preset's name for it is dropped).
      wind_speed: columnName.nullable().optional(),
      wind_direction: columnName.nullable().optional(),
      turbine_id: columnName.optional(),
    })
    .optional(),
  timestampFormat: z
    .string()
    .superRefine((format, ctx) => {
      const problem = checkTimestampFormat(format);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .nullable()
    .optional(),
  timezone: z.string().refine(isTimeZone, 'expected an IANA time zone such as UTC or Europe/Berlin').nullable().optional(),
  units: z
    .strictObject({
      power_output: z.enum(POWER_UNITS, { error: 'expected W, kW or MW' }).optional(),
      wind_speed: z.enum(WIND_SPEED_UNITS, { error: 'expected m/s, km/h or kn' }).optional(),
    })
    .optional(),
  turbine: turbineSchema.optional(),
});
export type WrittenProfile = z.input<typeof writtenProfileSchema>;

const fileSchema = z.strictObject({ profiles: z.array(z.unknown()) });

export class ProfileError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ProfileError';
  }
}

const DEFAULTS: Omit<InputProfile, 'name' | 'match' | 'columns' | 'preset'> = {
  encoding: 'utf-8',
  delimiter: ',',
  decimalSeparator: '.',
  commentPrefix: null,
  headerPrefix: null,
  skipLines: 0,
  missingValues: [],
  timestampFormat: null,
  timezone: null,
  units: { power_output: 'MW', wind_speed: 'm/s' },
  turbine: { from: 'column' },
};

/**
 * Validates a profiles file's parsed JSON (`{ "profiles": [...] }`): each profile is merged over its
 * preset and the defaults, then checked as a whole. Throws a ProfileError with one line per
 * problem, each naming the profile and the field (`profile "kelmarsh": columns.power_output: ...`).
 * Edge cases: two profiles of one name are refused; a decimal comma with a comma delimiter is
 * refused; `turbine.from = "column"` needs `columns.turbine_id`.
 */
export function parseInputProfiles(json: unknown): InputProfile[] {
  const file = fileSchema.safeParse(json);
  if (!file.success) {
    throw new ProfileError([`expected an object {"profiles": [ ... ]}: ${file.error.issues.map((i) => describeIssue(i)).join('; ')}`]);
  }
  const problems: string[] = [];
  const profiles: InputProfile[] = [];
  const seen = new Set<string>();
  for (const [index, raw] of file.data.profiles.entries()) {
    const rawName =
      typeof raw === 'object' && raw !== null && typeof (raw as { name?: unknown }).name === 'string'
        ? (raw as { name: string }).name
        : null;
    const label = rawName ? `profile "${rawName}"` : `profile #${index + 1}`;
    const key = rawName?.trim().toLowerCase();
    const twice = key !== undefined && seen.has(key) ? [`${label}: name: another profile is already named "${rawName!.trim()}"`] : [];
    if (key !== undefined) seen.add(key);
    const parsed = writtenProfileSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(...parsed.error.issues.map((issue) => `${label}: ${describeIssue(issue)}`), ...twice);
      continue;
    }
    const profile = completeProfile(parsed.data);
    const whole = [...checkWhole(profile).map((p) => `${label}: ${p}`), ...twice];
    if (whole.length > 0) problems.push(...whole);
    else profiles.push(profile);
  }
  if (problems.length > 0) throw new ProfileError(problems);
  return profiles;
}

function completeProfile(written: z.output<typeof writtenProfileSchema>): InputProfile {
  const preset = written.preset ? PRESETS[written.preset] : {};
  const turbine = written.turbine ?? preset.turbine ?? DEFAULTS.turbine;
  return {
    ...DEFAULTS,
    ...preset,
    ...definedFields(written),
    name: written.name,
    match: typeof written.match === 'string' ? [written.match] : written.match,
    columns: withoutNulls({ ...preset.columns, ...written.columns }) as ProfileColumns,
    units: { ...DEFAULTS.units, ...preset.units, ...written.units },
    turbine: 'value' in turbine && !('from' in turbine && turbine.from !== 'value') ? { from: 'value', value: turbine.value } : turbine,
    missingValues: written.missingValues ?? preset.missingValues ?? [],
    preset: written.preset ?? null,
  } as InputProfile;
}

function withoutNulls<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}

/** The fields given in the file, without the ones merged separately. */
function definedFields(written: z.output<typeof writtenProfileSchema>): Partial<InputProfile> {
  const { columns: _c, units: _u, turbine: _t, match: _m, preset: _p, ...rest } = written;
  return Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Partial<InputProfile>;
}

/** Checks that need the merged profile. */
function checkWhole(profile: InputProfile): string[] {
  const problems: string[] = [];
  if (!profile.columns.timestamp) problems.push('columns.timestamp: required (the column that holds the time)');
  if (!profile.columns.power_output) problems.push('columns.power_output: required (the column that holds the power)');
  if (profile.turbine.from === 'column' && !profile.columns.turbine_id) {
    problems.push(
      'columns.turbine_id: required with turbine.from = "column" (or name the turbine with turbine.fileName, preamble or value)',
    );
  }
  if (profile.decimalSeparator === ',' && profile.delimiter === ',') {
    problems.push('decimalSeparator: "," needs another delimiter (";", "\\t" or "|")');
  }
  if (profile.turbine.from === 'preamble' && profile.commentPrefix === null && profile.skipLines === 0) {
    problems.push('turbine: from "preamble" needs a preamble (commentPrefix or skipLines)');
  }
  const names = Object.entries(profile.columns).filter(([, v]) => v !== undefined);
  const byName = new Map<string, string>();
  for (const [field, name] of names) {
    const key = (name as string).trim().toLowerCase();
    const other = byName.get(key);
    if (other) problems.push(`columns.${field}: the same column as columns.${other} ("${name as string}")`);
    byName.set(key, field);
  }
  return problems;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path
    .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
    .join('.')
    .replace(/\.\[/g, '[');
  return where === '' ? issue.message : `${where}: ${issue.message}`;
}

/** The name a turbine is stored under: trimmed; null when empty or longer than 64 characters. */
export function turbineName(text: string): string | null {
  const name = text.trim();
  return name.length >= 1 && name.length <= MAX_TURBINE_NAME ? name : null;
}
