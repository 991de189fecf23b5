import path from 'node:path';
import { REPO_ROOT } from '../helpers/paths.js';
import { startChild } from './bench-child.js';
import { childEnv, type BenchContext } from './bench-context.js';

/**
 * The yardstick for the files stage: fast-csv alone streaming the same files as arrays on as many
 * threads as `npm run ingest` parses with (PARSE_THREADS, default 2), timed inside the child from
 * the threads' start to the last row (fast-csv-alone.child.ts), so Node's start-up is left out.
 */

export const FAST_CSV_METHOD = 'fast-csv parse({ headers: false }) streaming each file as arrays, one file at a time per worker thread';

export async function runFastCsvAlone(
  ctx: BenchContext,
  files: readonly string[],
  threads: number,
  attempt: number,
  /** Names the run's log file, `<label>-<attempt>.log`: the wide stage runs it on its own files. */
  label = 'fast-csv',
): Promise<{ ms: number; rows: number; threads: number }> {
  const entry = path.join(REPO_ROOT, 'test/bench/fast-csv-alone.child.ts');
  const child = startChild(process.execPath, ['--import', 'tsx', entry, String(threads), ...files], {
    cwd: REPO_ROOT,
    env: childEnv({}),
    logFile: path.join(ctx.runDir, `${label}-${attempt}.log`),
  });
  const exit = await child.exited;
  if (exit.code !== 0) throw new Error(`fast-csv alone failed (code ${exit.code}): ${child.stderr.slice(-5).join('\n')}`);
  const result = JSON.parse(child.stdout.find((l) => l.startsWith('{')) ?? 'null') as { rows: number; wallMs: number } | null;
  if (!result) throw new Error('fast-csv alone printed no result');
  return { ms: result.wallMs, rows: result.rows, threads };
}
