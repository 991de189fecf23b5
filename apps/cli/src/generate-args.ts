import { parseArgs } from 'node:util';
import { parseDerate, resolveOptions, shapeForRows, type GeneratorOptions } from '@windmill/core/generator/telemetry';
import {
  LAYOUTS,
  MALFORMED_KINDS,
  TIMESTAMP_STYLES,
  type Layout,
  type MalformedKind,
  type TimestampStyle,
} from '@windmill/core/generator/options';

export const GENERATE_USAGE = `Usage: npm run generate -- --out <dir> [options]

Writes deterministic wind-turbine telemetry CSV files in the challenge's format, or the same
readings in the layout of a real export.

  --out <dir>              folder to write into (created if missing)          required
  --seed <text>            seed; the same seed and options give the same bytes  windmill
  --turbines <n>           turbines, ids 1..n                                   15
  --days <n>               days of readings                                      31
  --start <YYYY-MM-DD>     first day (UTC)                                      2022-03-01
  --interval <seconds>     seconds between readings                              3600
  --rows <n>               target total rows: derives --days (or --turbines when --days is given)
  --by <turbine-group|day> split files by groups of turbines or by days       turbine-group
  --files <n>              number of files                 3 (turbine-group) or one per day
  --missing-rate <r>       share of value cells written as empty/NA/NaN/null/-   0
  --outlier-rate <r>       share of value cells written out of bounds            0
  --duplicate-rate <r>     share of lines repeated for the same turbine and time 0
  --malformed-rate <r>     share of lines broken (field count, timestamp, id)    0
  --malformed-kinds <list> how they are broken: column_count,bad_timestamp,bad_turbine_id  all
  --gap-rate <r>           chance per reading to start a power gap too long to impute  0
  --out-of-order-rate <r>  share of lines moved later in their file             0
  --derate <spec>          take a share of some turbines' power on some days     none
                           <spec> is <turbines>:<day>[..<day>]:<fraction>, e.g.
                           7:2022-03-10..2022-03-14:0.25: turbine 7 delivers 75 % of its
                           power from 10 to 14 March (UTC days, inclusive); turbines as ids
                           and ranges (3,5-7); 0 < fraction <= 1 (1 stops the turbine);
                           repeat the flag for more turbines or periods
  --layout <name>          canonical | greenbyte | single-turbine | european     canonical
                           the same readings and messiness as a real export writes them:
                           greenbyte: a file per turbine, Turbine_Data_Kelmarsh_<n>_..., a # preamble,
                           ~300 columns, kW; single-turbine: T<n>.csv, windows-1252, kW;
                           european: ';' and decimal commas, Paris time, R807xx names, kW.
                           The loader reads them with the presets of the same names. The
                           flags below shape the canonical layout only (--no-final-newline
                           applies to all)
  --timestamps <style>     naive | iso-z | iso-ms-z | iso-offset                 naive
  --crlf                   CRLF line endings (default LF)
  --bom                    start each file with a UTF-8 BOM
  --quote                  quote every field
  --extra-column <name>    add a column the reader must ignore
  --no-final-newline       leave the last line without a line ending
  -h, --help               show this text
`;

/** A bad command line; its message names the flag. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export type GenerateCommand = { kind: 'help' } | { kind: 'run'; out: string; options: GeneratorOptions };

const RATE_FLAGS = {
  'missing-rate': 'missingRate',
  'outlier-rate': 'outlierRate',
  'duplicate-rate': 'duplicateRate',
  'malformed-rate': 'malformedRate',
  'gap-rate': 'gapRate',
  'out-of-order-rate': 'outOfOrderRate',
} as const;
type RateFlag = keyof typeof RATE_FLAGS;

const stringFlag = { type: 'string' } as const;
const booleanFlag = { type: 'boolean' } as const;
const FLAGS = {
  out: stringFlag,
  seed: stringFlag,
  turbines: stringFlag,
  days: stringFlag,
  start: stringFlag,
  interval: stringFlag,
  rows: stringFlag,
  by: stringFlag,
  files: stringFlag,
  ...(Object.fromEntries(Object.keys(RATE_FLAGS).map((flag) => [flag, stringFlag])) as Record<RateFlag, typeof stringFlag>),
  'malformed-kinds': stringFlag,
  layout: stringFlag,
  timestamps: stringFlag,
  crlf: booleanFlag,
  bom: booleanFlag,
  quote: booleanFlag,
  'extra-column': stringFlag,
  'no-final-newline': booleanFlag,
  derate: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

function positiveInteger(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`--${flag} must be a positive integer (got "${text}")`);
  return Number(text);
}

function rate(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = /^(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= 0 && value <= 1)) throw new UsageError(`--${flag} must be a number from 0 to 1 (got "${text}")`);
  return value;
}

/** Node's parseArgs messages, reworded to name the flag without its advice about positionals. */
function parseFlags(argv: readonly string[]): ReturnType<typeof parseArgs<{ options: typeof FLAGS; strict: true }>>['values'] {
  try {
    return parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    const quoted = /'([^']+)'/.exec(String((error as Error).message))?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown flag ${quoted}`);
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError(`unexpected argument "${quoted}"`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(`flag ${quoted.split(' ')[0]} needs a value`);
    throw new UsageError(String((error as Error).message));
  }
}

/**
 * Parses `npm run generate` arguments (without the node and script paths) into an output folder
 * and generator options, checked as the generator would check them. Throws UsageError naming
 * the first bad flag; `--help` (or `-h`) gives `{ kind: 'help' }`.
 */
export function parseGenerateArgs(argv: readonly string[]): GenerateCommand {
  const flags = parseFlags(argv);
  if (flags.help === true) return { kind: 'help' };
  if (flags.out === undefined || flags.out.trim() === '') throw new UsageError('--out <dir> is required');

  const options: GeneratorOptions = {};
  if (flags.seed !== undefined) options.seed = flags.seed;
  let turbines = positiveInteger('turbines', flags.turbines);
  let days = positiveInteger('days', flags.days);
  const intervalSeconds = positiveInteger('interval', flags.interval);
  const rows = positiveInteger('rows', flags.rows);
  if (rows !== undefined) {
    if (turbines !== undefined && days !== undefined) throw new UsageError('--rows derives --days or --turbines: give at most one of them');
    ({ turbines, days } = shapeForRows(rows, { turbines, days, intervalSeconds }));
  }
  if (turbines !== undefined) options.turbines = turbines;
  if (days !== undefined) options.days = days;
  if (intervalSeconds !== undefined) options.intervalSeconds = intervalSeconds;
  if (flags.start !== undefined) options.start = flags.start;
  if (flags.by !== undefined) {
    if (flags.by !== 'turbine-group' && flags.by !== 'day') throw new UsageError(`--by must be turbine-group or day (got "${flags.by}")`);
    options.by = flags.by;
  }
  const files = positiveInteger('files', flags.files);
  if (files !== undefined) options.files = files;
  for (const [flag, key] of Object.entries(RATE_FLAGS) as Array<[RateFlag, (typeof RATE_FLAGS)[RateFlag]]>) {
    const value = rate(flag, flags[flag]);
    if (value !== undefined) options[key] = value;
  }

  if (flags['malformed-kinds'] !== undefined) {
    const kinds = flags['malformed-kinds'].split(',').map((k) => k.trim());
    const unknown = kinds.filter((k) => !(MALFORMED_KINDS as readonly string[]).includes(k));
    if (unknown.length > 0) {
      throw new UsageError(`--malformed-kinds takes a list of ${MALFORMED_KINDS.join(', ')} (got "${unknown.join(',')}")`);
    }
    options.malformedKinds = kinds as MalformedKind[];
  }
  if (flags.layout !== undefined) {
    if (!(LAYOUTS as readonly string[]).includes(flags.layout)) {
      throw new UsageError(`--layout must be one of ${LAYOUTS.join(', ')} (got "${flags.layout}")`);
    }
    options.layout = flags.layout as Layout;
  }

  if (flags.derate !== undefined) {
    try {
      options.derates = flags.derate.map((text) => parseDerate(text));
    } catch (error) {
      throw new UsageError(`--${(error as Error).message}`);
    }
  }

  const format: NonNullable<GeneratorOptions['format']> = {};
  if (flags.timestamps !== undefined) {
    if (!(TIMESTAMP_STYLES as readonly string[]).includes(flags.timestamps)) {
      throw new UsageError(`--timestamps must be one of ${TIMESTAMP_STYLES.join(', ')} (got "${flags.timestamps}")`);
    }
    format.timestamps = flags.timestamps as TimestampStyle;
  }
  if (flags.crlf === true) format.lineEnding = '\r\n';
  if (flags.bom === true) format.bom = true;
  if (flags.quote === true) format.quoteFields = true;
  if (flags['extra-column'] !== undefined) format.extraColumn = flags['extra-column'];
  if (options.layout !== undefined && options.layout !== 'canonical') {
    const canonicalOnly = (['timestamps', 'crlf', 'bom', 'quote', 'extra-column'] as const).find((flag) => flags[flag] !== undefined);
    if (canonicalOnly !== undefined) {
      throw new UsageError(`--${canonicalOnly} shapes the canonical layout only; --layout ${options.layout} writes its own spelling`);
    }
  }
  if (flags['no-final-newline'] === true) format.finalNewline = false;
  if (Object.keys(format).length > 0) options.format = format;

  try {
    resolveOptions(options);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return { kind: 'run', out: flags.out, options };
}
