/**
 * The command line of `npm run ingest`: what it reads, its help text and its exit codes. Pure, so
 * the help and the parsing are tested without running a load.
 */

export const EXIT = {
  /** Every file loaded, or recorded as a duplicate. */
  ok: 0,
  /** A file failed (it stays where it is; the summary says why), nothing to load, or an error. */
  failed: 1,
  /** The command line itself is wrong. */
  usage: 2,
  /**
   * No file failed, but a file with data lines loaded none of them (every line rejected): a
   * layout or format the loader does not read as given. A header-only file is not that.
   */
  nothingLoaded: 3,
} as const;

export const INGEST_USAGE = `Usage: npm run ingest -- <file.csv | folder>...

Loads wind-turbine CSV files into Postgres, then computes the window statistics and anomalies
once, and prints a table of what happened to every file (with the main reason its rejected lines
were rejected) and this run's totals: its lines, the windows its stats run computed and the
anomalies that run found, not the database's. Folders are read recursively; files are
loaded in path order (a later file's reading replaces an earlier one's for the same turbine and
time); files stay where they are. Loading the same content again adds nothing. Needs Postgres only.

On a terminal it shows a progress bar (files, rows/s, ETA); otherwise, or with LOG_FORMAT set,
it writes JSON log lines to stderr. The summary table always goes to stdout.

Settings that matter here (environment variables or a .env file; see .env.example):
  DATABASE_URL        Postgres to load into (created and migrated if missing)
                      default postgresql://postgres@127.0.0.1:5432/windmill
  PARSE_THREADS       threads parsing files at once (one per core)              default 2
  SOURCE_TIMEZONE     time zone of timestamps without an offset                 default UTC
  WIND_SPEED_MAX, POWER_MIN, POWER_MAX, IMPUTE_MAX_GAP_SECONDS    the cleaning rules
  WINDOW_SECONDS, READING_INTERVAL_SECONDS, ANOMALY_SIGMA         the statistics
  LOG_FORMAT          json or pretty log lines instead of the progress bar
  LOG_LEVEL           info, warn, error, debug...                               default info

Exit codes:
  0  every file loaded or recorded as a duplicate
  1  a file failed, no CSV file was found, or Postgres could not be reached
  2  bad command line
  3  no file failed, but a file with data lines loaded none of them: every line was rejected
     (the summary's note gives the main reason and the formats accepted); a file with only a
     header is not that

Examples:
  npm run ingest -- test/fixtures/challenge
  DATABASE_URL=postgresql://me@db:5432/wind npm run ingest -- exports/2022-03-*.csv
`;

export type IngestArgs = { kind: 'help' } | { kind: 'load'; inputs: string[] } | { kind: 'usage-error'; message: string };

export function parseIngestArgs(argv: readonly string[]): IngestArgs {
  const args = argv.filter((a) => a !== '--');
  if (args.includes('--help') || args.includes('-h')) return { kind: 'help' };
  const unknown = args.find((a) => a.startsWith('-'));
  if (unknown) return { kind: 'usage-error', message: `unknown option ${unknown}` };
  if (args.length === 0) return { kind: 'usage-error', message: 'name at least one CSV file or folder' };
  return { kind: 'load', inputs: args };
}
