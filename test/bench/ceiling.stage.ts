import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/paths.js';
import { startChild } from './bench-child.js';
import { childEnv, type BenchContext } from './bench-context.js';
import { createEmptyDatabase, dropDatabase, withClient, type BenchDatabase } from './bench-db.js';

/**
 * The ceiling: Postgres' own bulk load of the same files, `psql \copy` into a bare UNLOGGED table
 * of five TEXT columns (no index, no constraint, no type conversion), one psql process for all
 * files, timed from spawn to exit. Text columns because typed ones would stop at the first `NA`.
 * Postgres 15's COPY cannot skip a line with the wrong number of fields (ON_ERROR came in 17),
 * and the generator writes a few (about 1 line in 3000): mawk drops those on the way in, running
 * beside psql on the other core; everything else is the same bytes the product reads.
 */

export const CEILING_METHOD =
  'psql \\copy into an UNLOGGED table of 5 TEXT columns (CSV, HEADER), one psql for all files; lines whose field count is not 5 dropped by mawk on the way';

const TABLE_SQL = `CREATE UNLOGGED TABLE bench_ceiling (
  ts text, turbine_id text, wind_speed text, wind_direction text, power_output text)`;

function filterProgram(): string {
  try {
    execFileSync('mawk', ['-W', 'version'], { stdio: 'ignore' });
    return 'mawk';
  } catch {
    return 'awk';
  }
}

/** The psql script: one \copy per file through the field-count filter. */
export function ceilingScript(files: readonly string[], awk: string): string {
  return files
    .map((file) => {
      // psql's PROGRAM string is single-quoted and run by sh: keep paths to a safe alphabet.
      if (!/^[\w./+-]+$/.test(file)) throw new Error(`the ceiling stage cannot quote this path: ${file}`);
      return `\\copy bench_ceiling FROM PROGRAM '${awk} -F, NF==5 ${file}' WITH (FORMAT csv, HEADER true)`;
    })
    .join('\n');
}

/** Creates `db` afresh and times one psql load of `files` into it. */
export async function runCeiling(
  ctx: BenchContext,
  files: readonly string[],
  db: BenchDatabase,
  attempt: number,
): Promise<{ ms: number; rowsInTable: number }> {
  await createEmptyDatabase(db);
  await withClient(db.url, (c) => c.query(TABLE_SQL));
  const script = path.join(ctx.runDir, `ceiling-${attempt}.sql`);
  await writeFile(script, `${ceilingScript(files, filterProgram())}\n`);

  const child = startChild('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', db.url, '-f', script], {
    cwd: REPO_ROOT,
    env: childEnv({}),
    logFile: path.join(ctx.runDir, `ceiling-${attempt}.log`),
  });
  const exit = await child.exited;
  if (exit.code !== 0) throw new Error(`psql \\copy failed (code ${exit.code}): ${child.stderr.slice(-5).join('\n')}`);
  const ms = exit.endedAt - child.startedAt;
  const { rows } = await withClient(db.url, (c) => c.query<{ n: number }>('SELECT count(*)::int AS n FROM bench_ceiling'));
  // Only its row count is needed: at 100 M rows the table takes 7 GB the ingest stage can use.
  if (!ctx.keep) await dropDatabase(db);
  return { ms, rowsInTable: rows[0]!.n };
}
