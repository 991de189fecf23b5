import { parseArgs } from 'node:util';
import { shapeForRows } from '@windmill/core/generator/telemetry';

export const STAGES = ['ceiling', 'fastcsv', 'ingest', 'stats', 'api', 'watcher', 'wide'] as const;
export type Stage = (typeof STAGES)[number];

export const BENCH_USAGE = `Usage: npm run bench -- [options]

Generates telemetry with the project's generator (reused when present), then measures, on the
same files: the psql \\copy ceiling, fast-csv alone (the parser's own speed with the same number
of threads), npm run ingest end to end, the stats job (full, and after a one-day append), the
API's reads on the loaded database (p50/p95/p99 of 200 requests each) and the watcher path of
npm start. The wide stage does the same for a second set in the Greenbyte layout (~300 columns,
~2 KB a line, one file per turbine, 20 turbines, ten-minute data): fast-csv alone, then
npm run ingest with INPUT_PROFILES naming the greenbyte preset. Prints a table and writes
bench-output/<timestamp>.json and bench-output/latest.json.
Checks first that the disk can take the files and the databases; --rows 100M needs about 4 GB of
CSV and 30 GB for the databases (add 15 GB for the watcher stage, or --skip watcher); the wide
set's 1M lines take about 2.1 GB of CSV (--skip wide, or fewer --wide-rows).

  --rows <n>        target data lines (1000000, 1e6, 200k, 10M)              1M
  --files <n>       number of files (one contiguous range of days each)     rows / 50k
  --turbines <n>    turbines (ids 1..n); days follow from rows / turbines    200
  --wide-rows <n>   target data lines of the wide (Greenbyte-layout) set, same forms as --rows   1M
  --repeat <n>      run the ceiling, fastcsv, ingest and wide stages n times, report the median   1
  --skip <stage>    skip ceiling, fastcsv, ingest, stats, api, watcher or wide (repeat or comma-separate)
  --seed <text>     generator seed                                            windmill-bench
  --keep            keep the databases (windmill_bench_*) and the run's folders
  -h, --help        show this text
`;

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface BenchOptions {
  rows: number;
  files: number;
  turbines: number;
  /** Target data lines of the wide (Greenbyte-layout) set; its shape follows in wide-data.ts. */
  wideRows: number;
  /** Days of hourly readings: the smallest whole number giving at least `rows` clean rows. */
  days: number;
  repeat: number;
  skip: Set<Stage>;
  seed: string;
  keep: boolean;
}

/** '1000000', '1_000_000', '1e6', '200k' and '10M' are all counts; anything else is null. */
export function parseCount(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?(?:e\d+)?)([kKmM]?)$/.exec(text.replaceAll('_', ''));
  if (!match) return null;
  const scale = { '': 1, k: 1e3, K: 1e3, m: 1e6, M: 1e6 }[match[2]!]!;
  const value = Math.round(Number(match[1]) * scale);
  return Number.isSafeInteger(value) && value >= 1 ? value : null;
}

function count(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = parseCount(text);
  if (value === null) throw new UsageError(`--${flag} must be a positive whole number (got "${text}")`);
  return value;
}

/** Parses the command line; `help` means print BENCH_USAGE. Throws UsageError naming the bad flag. */
export function parseBenchArgs(argv: readonly string[]): { help: true } | { help: false; options: BenchOptions } {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv.filter((a) => a !== '--'),
      options: {
        rows: { type: 'string' },
        files: { type: 'string' },
        turbines: { type: 'string' },
        'wide-rows': { type: 'string' },
        repeat: { type: 'string' },
        skip: { type: 'string', multiple: true },
        seed: { type: 'string' },
        keep: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return { help: true };

  const rows = count('rows', values.rows, 1_000_000);
  const turbines = count('turbines', values.turbines, 200);
  const { days } = shapeForRows(rows, { turbines });
  const files = count('files', values.files, Math.min(days, Math.max(1, Math.round(rows / 50_000))));
  if (files > days) throw new UsageError(`--files must be at most the number of days (${days} for ${rows} rows over ${turbines} turbines)`);
  const wideRows = count('wide-rows', values['wide-rows'], 1_000_000);
  const repeat = count('repeat', values.repeat, 1);
  const skip = new Set<Stage>();
  for (const name of (values.skip ?? [])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (!(STAGES as readonly string[]).includes(name)) throw new UsageError(`--skip takes ${STAGES.join(', ')} (got "${name}")`);
    skip.add(name as Stage);
  }
  const seed = values.seed ?? 'windmill-bench';
  if (!/^[\w.-]+$/.test(seed)) throw new UsageError('--seed may hold letters, digits, ".", "-" and "_" only');
  return { help: false, options: { rows, files, turbines, wideRows, days, repeat, skip, seed, keep: values.keep === true } };
}
