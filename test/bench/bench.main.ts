/**
 * `npm run bench -- [--rows 1M] [--files N] [--turbines 200] [--wide-rows 1M] [--repeat N] [--skip stage] [--keep]`
 *
 * Generates (or reuses) telemetry with the project's generator, then measures on the same files:
 * the psql \copy ceiling, `npm run ingest` end to end, the stats job (full, then after a one-day
 * append), the API's reads on the loaded database and the watcher path of `npm start`, with the
 * peak RSS of each Node process tree; and, on a second, Greenbyte-layout set of ~300 columns,
 * fast-csv alone against `npm run ingest` reading it through an input profile.
 * Prints a table and writes bench-output/<run>.json and bench-output/latest.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/paths.js';
import { BENCH_USAGE, parseBenchArgs, UsageError, type BenchOptions, type Stage } from './bench-args.js';
import { killAllChildrenNow, stopAllChildren } from './bench-child.js';
import { BENCH_OUTPUT, type BenchContext } from './bench-context.js';
import { runApiStage } from './api.stage.js';
import { isDataCached, mainDir, prepareData } from './bench-data.js';
import { benchDatabase, dropDatabase, postgresDataDirectory, postgresSettings, postgresVersion, type BenchDatabase } from './bench-db.js';
import { checkDisk, diskNeeds } from './bench-disk.js';
import { CEILING_METHOD, runCeiling } from './ceiling.stage.js';
import { FAST_CSV_METHOD, runFastCsvAlone } from './fast-csv.stage.js';
import { runIngest } from './ingest.stage.js';
import {
  checkTargets,
  median,
  medianIndex,
  ratio,
  REPORT_SCHEMA,
  type ApiSummary,
  type BenchReport,
  type FastCsvSummary,
  type IngestRun,
  type StatsSummary,
  type WatcherSummary,
} from './report.js';
import { formatReport } from './report-format.js';
import { runStatsStage } from './stats.stage.js';
import { runWatcher } from './watcher.stage.js';
import { isWideDataCached, prepareWideData, writeWideProfiles, type WideData } from './wide-data.js';
import { summariseWide, type WideSummary } from './wide-report.js';
import { runWideFastCsv, runWideIngest, WIDE_FAST_CSV_METHOD, wideIngestNotes } from './wide.stage.js';

let options: BenchOptions;
try {
  const parsed = parseBenchArgs(process.argv.slice(2));
  if (parsed.help) {
    process.stdout.write(BENCH_USAGE);
    process.exit(0);
  }
  options = parsed.options;
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`npm run bench: ${error.message}\n\n${BENCH_USAGE}`);
  process.exit(2);
}

const startedAt = new Date();
const loadAtStart = os.loadavg();
const runId = startedAt.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '_');
const runDir = path.join(BENCH_OUTPUT, 'runs', runId);
await mkdir(runDir, { recursive: true });
const say = (text: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}\n`);
const discards: Array<{ what: string; remove: () => Promise<void> }> = [];
const ctx: BenchContext = { runId, runDir, keep: options.keep, say, discard: (what, remove) => void discards.push({ what, remove }) };

async function cleanUp(): Promise<void> {
  await stopAllChildren();
  if (options.keep) {
    if (discards.length > 0) say(`kept (--keep): ${discards.map((d) => d.what).join('; ')}`);
    return;
  }
  for (const { what, remove } of discards.splice(0).reverse())
    await remove().catch((e: unknown) => say(`could not remove ${what}: ${(e as Error).message}`));
}
let interrupted = false;
/** After Ctrl-C the signal handler owns the ending: the main flow stops where it stands. */
const haltIfInterrupted = async (): Promise<void> => {
  if (interrupted) await new Promise(() => undefined);
};
process.on('exit', killAllChildrenNow);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    say(`${signal}: stopping the children and cleaning up`);
    void cleanUp().finally(() => process.exit(130));
  });
}

const git = (args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
const notes: string[] = [`ceiling: ${CEILING_METHOD}`, `fast-csv alone: ${FAST_CSV_METHOD}`];
const pgSettings = await postgresSettings();
if (pgSettings.autovacuum === 'off') {
  notes.push('this Postgres runs with autovacuum = off: nothing analyzes the freshly loaded tables unless Windmill does');
}
const failed: string[] = [];
const skipped = (stage: Stage) => options.skip.has(stage);
/** Runs a stage; a failure is reported and the other stages still run. */
async function stage<T>(name: Stage, run: () => Promise<T>): Promise<T | null> {
  try {
    return await run();
  } catch (error) {
    await haltIfInterrupted();
    failed.push(name);
    notes.push(`${name} stage failed: ${(error as Error).message}`);
    say(`${name} stage failed: ${(error as Error).stack ?? String(error)}`);
    return null;
  }
}

const dataRoot = path.join(BENCH_OUTPUT, 'data');
const needs = diskNeeds(options.rows, options.skip, {
  dataCached: await isDataCached(dataRoot, options),
  keep: options.keep,
  wide: { lines: options.wideRows, cached: await isWideDataCached(dataRoot, options), repeat: options.repeat },
});
const disk = await checkDisk(BENCH_OUTPUT, await postgresDataDirectory(), needs);
for (const line of disk.lines) say(`disk: ${line}`);
if (!disk.ok) {
  process.stderr.write('npm run bench: not enough free disk for this run (see above); free some, or skip stages (--skip watcher)\n');
  await cleanUp();
  process.exit(2);
}
const data = await prepareData(dataRoot, options, say);
const lines = data.summary.lines;
const files = data.files.map((f) => f.path);
let wideData: WideData | null = null;
let wideProfiles = '';
if (!skipped('wide')) {
  wideData = await stage('wide', () => prepareWideData(dataRoot, options, say));
  wideProfiles = await writeWideProfiles(runDir);
  notes.push(`wide fast-csv alone: ${WIDE_FAST_CSV_METHOD}`);
}

// Ceiling, fast-csv alone, ingest and the wide stage alternate, so a busy spell on the machine hits them alike.
const ceilingRuns: Array<{ ms: number; rowsInTable: number }> = [];
const fastCsvRuns: Array<{ ms: number; rows: number; threads: number }> = [];
// The same number of threads as npm run ingest parses with (its default unless set).
const parseThreads = Math.max(1, Number(process.env.PARSE_THREADS ?? 2));
const ingestRuns: IngestRun[] = [];
const wideFastCsvRuns: Array<{ ms: number; rows: number }> = [];
const wideIngestRuns: IngestRun[] = [];
const ceilingDb = benchDatabase(runId, 'ceiling');
if (!skipped('ceiling')) ctx.discard(`database ${ceilingDb.name}`, () => dropDatabase(ceilingDb));
let lastIngestDb: BenchDatabase | null = null;
for (let attempt = 1; attempt <= options.repeat; attempt += 1) {
  if (!skipped('ceiling')) {
    const run = await stage('ceiling', () => runCeiling(ctx, files, ceilingDb, attempt));
    if (run) ceilingRuns.push(run);
    if (run) say(`ceiling ${attempt}/${options.repeat}: ${(run.ms / 1000).toFixed(2)} s`);
  }
  if (!skipped('fastcsv')) {
    const run = await stage('fastcsv', () => runFastCsvAlone(ctx, files, parseThreads, attempt));
    if (run) fastCsvRuns.push(run);
    if (run) say(`fast-csv alone ${attempt}/${options.repeat}: ${(run.ms / 1000).toFixed(2)} s on ${run.threads} threads`);
  }
  if (!skipped('ingest')) {
    const db = benchDatabase(runId, `ingest_${attempt}`);
    ctx.discard(`database ${db.name}`, () => dropDatabase(db));
    const run = await stage('ingest', () => runIngest(ctx, mainDir(data), db, attempt));
    if (run) {
      ingestRuns.push(run);
      say(`ingest ${attempt}/${options.repeat}: ${(run.wallMs / 1000).toFixed(2)} s, exit ${run.exitCode}`);
      if (run.database.rowsTotal !== lines)
        notes.push(`ingest run ${attempt}: the ledger counts ${run.database.rowsTotal} lines, the files hold ${lines}`);
      // Only the last ingest database is needed (by the stats stage).
      if (lastIngestDb && !options.keep) await dropDatabase(lastIngestDb);
      lastIngestDb = db;
    }
  }
  if (wideData) {
    const wide = wideData;
    const fast = await stage('wide', () => runWideFastCsv(ctx, wide, parseThreads, attempt));
    if (fast) wideFastCsvRuns.push(fast);
    if (fast) say(`wide: fast-csv alone ${attempt}/${options.repeat}: ${(fast.ms / 1000).toFixed(2)} s on ${fast.threads} threads`);
    const run = await stage('wide', () => runWideIngest(ctx, wide, wideProfiles, attempt));
    if (run) {
      wideIngestRuns.push(run);
      notes.push(...wideIngestNotes(run, wide.summary.lines, attempt));
      say(
        `wide: ingest ${attempt}/${options.repeat}: ${(run.wallMs / 1000).toFixed(2)} s, files stage ${(run.breakdown.wallMs / 1000).toFixed(2)} s`,
      );
    }
  }
}
const wide: WideSummary | null = wideData
  ? summariseWide(wideData.summary, wideFastCsvRuns, wideIngestRuns, parseThreads, WIDE_FAST_CSV_METHOD)
  : null;

const ceilingMs = median(ceilingRuns.map((r) => r.ms));
const ceiling =
  ceilingRuns.length === 0
    ? null
    : {
        method: CEILING_METHOD,
        runsMs: ceilingRuns.map((r) => r.ms),
        medianMs: ceilingMs,
        rowsInTable: ceilingRuns.at(-1)!.rowsInTable,
        rowsPerSec: (lines * 1000) / ceilingMs,
      };
const fastCsv: FastCsvSummary | null =
  fastCsvRuns.length === 0
    ? null
    : {
        method: FAST_CSV_METHOD,
        threads: parseThreads,
        runsMs: fastCsvRuns.map((r) => r.ms),
        medianMs: median(fastCsvRuns.map((r) => r.ms)),
        rows: fastCsvRuns.at(-1)!.rows,
      };
const ingestMs = median(ingestRuns.map((r) => r.wallMs));
const ingestMedianRun = medianIndex(ingestRuns.map((r) => r.wallMs));
const ingest =
  ingestRuns.length === 0
    ? null
    : {
        runs: ingestRuns,
        medianRun: ingestMedianRun,
        medianMs: ingestMs,
        rowsPerSec: (lines * 1000) / ingestMs,
        ratioToCeiling: ratio(ingestMs, ceiling?.medianMs),
        filesToFastCsv: ratio(ingestRuns[ingestMedianRun]!.breakdown.wallMs, fastCsv?.medianMs),
      };

let stats: StatsSummary | null = null;
if (!skipped('stats')) {
  if (lastIngestDb) {
    const db = lastIngestDb;
    say('stats: full run, then a one-day append');
    stats = await stage('stats', () => runStatsStage(ctx, db, data.extraDay.path));
  } else notes.push('stats stage skipped: it runs on the database the ingest stage filled');
}

let api: ApiSummary | null = null;
if (!skipped('api')) {
  if (lastIngestDb) {
    const db = lastIngestDb;
    say(`api: ${options.turbines} turbines; GET /turbines, GET /turbines/:id/stats and GET /anomalies for one month`);
    api = await stage('api', () => runApiStage(ctx, db, { turbines: options.turbines, start: data.summary.start, days: options.days }));
  } else notes.push('api stage skipped: it runs on the database the ingest stage filled');
}

let watcher: WatcherSummary | null = null;
if (!skipped('watcher')) {
  say('watcher: starting npm start and dropping the files');
  watcher = await stage('watcher', () => runWatcher(ctx, data.files, lines, benchDatabase(runId, 'watcher'), ingest?.medianMs ?? null));
  if (watcher) {
    notes.push(
      'watcher: timed from the drop (after start-up) to the end of the first stats run started after the last file; ' +
        `it includes WATCH_STABLE_MS (default 2 s) and up to STATS_INTERVAL_SECONDS=${watcher.settings.STATS_INTERVAL_SECONDS} s of waiting; the one-shot time includes npm, Node start-up and migrations`,
    );
  }
}

const report: BenchReport = {
  schema: REPORT_SCHEMA,
  runId,
  startedAt: startedAt.toISOString(),
  finishedAt: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? '?',
    memoryMb: Math.round(os.totalmem() / 1024 / 1024),
    node: process.version,
    postgres: await postgresVersion(),
    postgresSettings: pgSettings,
    loadAverage: loadAtStart,
    loadAverageAtEnd: os.loadavg(),
  },
  git: { commit: git(['rev-parse', '--short', 'HEAD']), dirty: git(['status', '--porcelain', '--untracked-files=no']) !== '' },
  options: {
    rows: options.rows,
    files: options.files,
    turbines: options.turbines,
    wideRows: options.wideRows,
    repeat: options.repeat,
    skip: [...options.skip],
    seed: options.seed,
  },
  data: data.summary,
  ceiling,
  fastCsv,
  ingest,
  watcher,
  stats,
  api,
  wide,
  targets: [],
  notes,
};
report.targets = checkTargets(report);
await haltIfInterrupted();

const json = `${JSON.stringify(report, null, 2)}\n`;
await writeFile(path.join(BENCH_OUTPUT, `${runId}.json`), json);
await writeFile(path.join(BENCH_OUTPUT, 'latest.json'), json);
await cleanUp();
process.stdout.write(
  `\n${formatReport(report)}\n\nwritten: bench-output/${runId}.json and bench-output/latest.json; logs in ${path.relative(REPO_ROOT, runDir)}\n`,
);
process.exitCode = failed.length > 0 ? 1 : 0;
