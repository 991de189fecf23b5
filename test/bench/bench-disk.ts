import { stat, statfs } from 'node:fs/promises';
import type { Stage } from './bench-args.js';

/**
 * Whether the disk can take a run before it starts (a 100 M-row run writes about 4 GB of CSV and
 * fills a database of about 12 GB; finding out after an hour is no fun). Estimates per data line,
 * from the 100 M-reading database measured on the development machine: `reading` 77 B (heap) +
 * 27 B (its unique index); window statistics, anomalies, rejected lines, WAL and the full stats
 * run's temporary files on top. The ceiling's bare table (73 B a line) is dropped as soon as it
 * is counted, before the ingest stage fills its database, so it only counts with --keep.
 * A wide (Greenbyte-layout) line is ~2.14 KB on disk (measured on the generator's output) but
 * holds the same four values, so its database costs a main line's.
 */
export const BYTES_PER_LINE = { csv: 35, database: 125, ceiling: 75, wideCsv: 2200 } as const;

export interface DiskNeeds {
  /** Bytes under bench-output/: the generated files (unless cached) and the watcher's copies of them. */
  output: number;
  /** Bytes in Postgres' data directory at the run's peak. */
  database: number;
}

/**
 * What a run of `lines` data lines needs, given the stages it skips; `wide` is the wide set (its
 * lines, whether its files are cached, and the repeats, whose databases all stay with --keep).
 * The wide database is counted on top of the others: it is filled while the main ingest's last
 * database is still held for the stats and API stages. Pure.
 */
export function diskNeeds(
  lines: number,
  skip: ReadonlySet<Stage>,
  options: { dataCached: boolean; keep: boolean; wide?: { lines: number; cached: boolean; repeat: number } },
): DiskNeeds {
  const csv = lines * BYTES_PER_LINE.csv;
  const ingestDb = skip.has('ingest') ? 0 : lines * BYTES_PER_LINE.database;
  const ceilingDb = skip.has('ceiling') ? 0 : lines * BYTES_PER_LINE.ceiling;
  const watcher = !skip.has('watcher');
  const wide = skip.has('wide') || !options.wide ? null : options.wide;
  const wideCsv = wide && !wide.cached ? wide.lines * BYTES_PER_LINE.wideCsv : 0;
  const wideDb = wide ? wide.lines * BYTES_PER_LINE.database * (options.keep ? wide.repeat : 1) : 0;
  return {
    output: (options.dataCached ? 0 : csv) + (watcher ? csv : 0) + wideCsv,
    database:
      (options.keep ? ingestDb + ceilingDb : Math.max(ingestDb, ceilingDb)) + (watcher ? lines * BYTES_PER_LINE.database : 0) + wideDb,
  };
}

export interface DiskCheck {
  ok: boolean;
  /** One line per file system: needed and available. */
  lines: string[];
}

const gb = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GB`;

/**
 * Compares the needs with the free space of bench-output's file system and of Postgres' data
 * directory (the same file system counts once, with both needs). A data directory this process
 * cannot see (another machine, no permission) is reported and not checked.
 */
export async function checkDisk(outputDir: string, dataDirectory: string | null, needs: DiskNeeds): Promise<DiskCheck> {
  const free = async (dir: string) => {
    const s = await statfs(dir);
    return { bytes: s.bavail * s.bsize, device: (await stat(dir)).dev };
  };
  const output = await free(outputDir);
  const database = dataDirectory ? await free(dataDirectory).catch(() => null) : null;
  if (database === null) {
    return {
      ok: output.bytes >= needs.output,
      lines: [
        `bench-output: needs ${gb(needs.output)}, ${gb(output.bytes)} free`,
        `Postgres' data directory: not visible from here (needs about ${gb(needs.database)}; not checked)`,
      ],
    };
  }
  if (database.device === output.device) {
    const need = needs.output + needs.database;
    return {
      ok: output.bytes >= need,
      lines: [`bench-output and Postgres' data directory (one file system): need ${gb(need)}, ${gb(output.bytes)} free`],
    };
  }
  return {
    ok: output.bytes >= needs.output && database.bytes >= needs.database,
    lines: [
      `bench-output: needs ${gb(needs.output)}, ${gb(output.bytes)} free`,
      `Postgres' data directory: needs ${gb(needs.database)}, ${gb(database.bytes)} free`,
    ],
  };
}
