import { stat } from 'node:fs/promises';
import type { Config } from '../config/config.js';
import { cleaningSettingsFrom, statsOptionsFrom } from '../config/settings.js';
import type { Pool } from '../db/pool.js';
import { jobTimeouts } from '../db/timeouts.js';
import type { AnomalyKind } from '../domain/enums.js';
import type { Logger } from '../platform/logger.js';
import { readMainRejection, type MainRejection } from '../read/main-rejection.read.js';
import { computeStats, type StatsRunOutcome } from '../stats/compute-stats.js';
import { createCleanRunner, type CleanRunner } from './clean-runner.js';
import { queueFile } from './ingested-file.repository.js';
import { listCsvInputs, type CsvInput } from './list-files.js';
import { loadFile, profileForFile, type LoadDeps, type LoadOutcome } from './load-file.js';

/** How far a batch load has come, for a progress bar: files, bytes (for the ETA) and lines read. */
export interface BatchProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  lines: number;
  /** `files` while loading, `stats` during the stats run that ends the batch. */
  stage: 'files' | 'stats';
}

export interface BatchHooks {
  onProgress?: (progress: BatchProgress) => void;
}

export interface IngestedFileSummary {
  path: string;
  /** The input profile the file was read with; null for the canonical layout. */
  profile: string | null;
  outcome: LoadOutcome;
  /** Why most of its rejected lines were rejected, with an example; null when none was. */
  mainRejection: MainRejection | null;
}

/** What this batch did: its files, its stats run, and what that run found. Nothing here counts the database's earlier content. */
export interface IngestSummary {
  files: IngestedFileSummary[];
  stats: StatsRunOutcome;
  /** Anomalies written by this batch's stats run, by kind; null when the run was skipped. */
  anomalies: Record<AnomalyKind, number> | null;
}

/**
 * The batch load behind `npm run ingest`: loads the named files one after another in lexicographic path order (files
 * stay where they are), then runs one stats computation. Needs Postgres only.
 */
export async function runIngest(
  deps: { pool: Pool; logger: Logger; config: Config; cleaner?: CleanRunner },
  inputs: string[],
  cwd: string,
  hooks: BatchHooks = {},
): Promise<IngestSummary> {
  const { pool, logger, config } = deps;
  const inputsFound = await listCsvInputs(inputs, cwd);
  const cleaner = deps.cleaner ?? createCleanRunner(config.PARSE_THREADS);
  const tracker = await trackProgress(
    inputsFound.map((f) => f.path),
    hooks.onProgress,
  );
  try {
    const files = await loadInPathOrder(
      {
        pool,
        logger,
        settings: cleaningSettingsFrom(config),
        cleaner,
        profiles: config.inputProfiles,
        timeouts: jobTimeouts(config.JOB_STATEMENT_TIMEOUT_SECONDS),
      },
      inputsFound,
      Math.max(1, config.PARSE_THREADS),
      tracker,
    );
    tracker.statsStarted();
    return await summarize(pool, logger, config, files);
  } finally {
    if (!deps.cleaner) await cleaner.close();
  }
}

interface ProgressTracker {
  /** Progress callback for one file's load. */
  forFile(index: number): (progress: { lines: number; bytes: number }) => void;
  fileDone(index: number, outcome: LoadOutcome | null): void;
  statsStarted(): void;
}

/** Adds up the files' progress: finished files in full, files in flight by what they have read. */
async function trackProgress(paths: string[], report: BatchHooks['onProgress']): Promise<ProgressTracker> {
  const sizes = await Promise.all(
    paths.map((p) =>
      stat(p).then(
        (s) => s.size,
        () => 0,
      ),
    ),
  );
  const inFlight = new Map<number, { lines: number; bytes: number }>();
  const state: BatchProgress = {
    filesDone: 0,
    filesTotal: paths.length,
    bytesDone: 0,
    bytesTotal: sizes.reduce((a, b) => a + b, 0),
    lines: 0,
    stage: 'files',
  };
  const emit = () => {
    if (!report) return;
    let bytes = state.bytesDone;
    let lines = state.lines;
    for (const p of inFlight.values()) {
      bytes += p.bytes;
      lines += p.lines;
    }
    report({ ...state, bytesDone: bytes, lines });
  };
  emit();
  return {
    forFile: (index) => (progress) => {
      inFlight.set(index, progress);
      emit();
    },
    fileDone(index, outcome) {
      const seen = inFlight.get(index);
      inFlight.delete(index);
      state.filesDone++;
      state.bytesDone += sizes[index] ?? 0;
      state.lines += outcome?.status === 'done' ? outcome.totals.rowsTotal : (seen?.lines ?? 0);
      emit();
    },
    statsStarted() {
      state.stage = 'stats';
      emit();
    },
  };
}

/**
 * Loads up to `inFlight` files at once (their parsing overlaps on the parse threads). Ledger ids
 * are taken in path order, and where files overlap the higher id wins (see the loader's upsert),
 * so the file later in path order wins, exactly as if they were loaded one by one, without any
 * file waiting for another's commit.
 */
async function loadInPathOrder(
  deps: LoadDeps,
  files: CsvInput[],
  inFlight: number,
  tracker: ProgressTracker,
): Promise<Array<Omit<IngestedFileSummary, 'mainRejection'>>> {
  const loads: Array<Promise<LoadOutcome>> = [];
  for (const [index, file] of files.entries()) {
    if (index >= inFlight) await loads[index - inFlight]!.catch(() => undefined);
    const { id } = await queueFile(deps.pool, file.path, null, null);
    const load = loadFile({ ...deps, onProgress: tracker.forFile(index) }, { fileId: id, path: file.path, matchPath: file.matchPath });
    load.then(
      (outcome) => tracker.fileDone(index, outcome),
      () => tracker.fileDone(index, null),
    );
    loads.push(load);
  }
  const settled = await Promise.allSettled(loads);
  const failure = settled.find((s) => s.status === 'rejected');
  if (failure) throw (failure as PromiseRejectedResult).reason;
  return settled.map((s, i) => ({
    path: files[i]!.path,
    profile: profileForFile(deps, files[i]!)?.name ?? null,
    outcome: (s as PromiseFulfilledResult<LoadOutcome>).value,
  }));
}

/**
 * The batch's own results: the main rejection reason of each file that had rejected lines, and
 * what this batch's stats run computed and found (a full run recomputes every stored window, and
 * says so), never totals of the whole database.
 */
async function summarize(
  pool: Pool,
  logger: Logger,
  config: Config,
  loaded: Array<Omit<IngestedFileSummary, 'mainRejection'>>,
): Promise<IngestSummary> {
  const files: IngestedFileSummary[] = [];
  for (const file of loaded) {
    const rejected = file.outcome.status === 'done' && file.outcome.totals.rowsRejected > 0;
    files.push({ ...file, mainRejection: rejected ? await readMainRejection(pool, file.outcome.fileId) : null });
  }
  const stats = await computeStats(pool, { ...statsOptionsFrom(config, 'cli'), logger });
  const anomalies =
    stats.status === 'done'
      ? { reading: stats.anomaliesReading, turbine: stats.anomaliesTurbine, underperformance: stats.anomaliesUnderperformance }
      : null;
  return { files, stats, anomalies };
}
