import { runFastCsvAlone } from './fast-csv.stage.js';
import type { BenchContext } from './bench-context.js';
import { benchDatabase, dropDatabase } from './bench-db.js';
import { runIngest } from './ingest.stage.js';
import type { IngestRun } from './report.js';
import type { WideData } from './wide-data.js';

/**
 * One repeat of the wide stage, on the Greenbyte-layout set (wide-data.ts): fast-csv alone on its
 * files with the ingest's number of threads, then `npm run ingest` of its folder with
 * INPUT_PROFILES naming the greenbyte preset, into a fresh database. Nothing later reads that
 * database, so it is dropped after its counts are taken (kept with --keep).
 */

export const WIDE_FAST_CSV_METHOD =
  "fast-csv parse({ headers: false }) streaming each file as arrays, one file at a time per worker thread; the 9-line '#' preamble and the '# ' header are parsed as rows too";

export function runWideFastCsv(ctx: BenchContext, wide: WideData, threads: number, attempt: number) {
  return runFastCsvAlone(
    ctx,
    wide.files.map((f) => f.path),
    threads,
    attempt,
    'wide-fast-csv',
  );
}

export async function runWideIngest(ctx: BenchContext, wide: WideData, profilesFile: string, attempt: number): Promise<IngestRun> {
  const db = benchDatabase(ctx.runId, `wide_${attempt}`);
  ctx.discard(`database ${db.name}`, () => dropDatabase(db));
  const run = await runIngest(ctx, wide.dir, db, attempt, { label: 'wide-ingest', env: { INPUT_PROFILES: profilesFile } });
  if (!ctx.keep) await dropDatabase(db);
  return run;
}

/** What a user would check after the wide ingest, as notes for the report: the exit code, failed files, lost lines. */
export function wideIngestNotes(run: IngestRun, lines: number, attempt: number): string[] {
  const notes: string[] = [];
  if (run.exitCode !== 0) notes.push(`wide ingest run ${attempt}: npm run ingest exited with code ${run.exitCode}`);
  if (run.database.filesFailed > 0) notes.push(`wide ingest run ${attempt}: ${run.database.filesFailed} files failed`);
  if (run.database.rowsTotal !== lines)
    notes.push(`wide ingest run ${attempt}: the ledger counts ${run.database.rowsTotal} lines, the files hold ${lines}`);
  return notes;
}
