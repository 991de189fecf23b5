import type { Queue } from 'bullmq';
import type { Pool } from '../db/pool.js';
import type { Logger } from '../platform/logger.js';
import { INGEST_JOB, ingestJobId, type IngestJob } from '../platform/queues.js';
import { fingerprintFile } from './fingerprint.js';
import { findIngestedAtPath, queueFileUnlessFinishedSince } from './ingested-file.repository.js';
import { listCsvFiles } from './list-files.js';
import { RefusedFileError } from './safe-open.js';

export interface EnqueueDeps {
  pool: Pool;
  queue: Queue;
  logger: Logger;
  /** The watched folder: only regular files whose real path lies inside it are queued. */
  inbox?: string;
}

export type EnqueueResult = { queued: true; fileId: number; created: boolean } | { queued: false; reason: string };

/**
 * Records a file in the ledger as `queued` and adds its ingest job. Idempotent: the file's
 * identity (path and content hash) finds the row of an ingest still in flight, and the job id comes
 * from that row, so repeated events for one file give one job.
 */
export async function enqueueFile(deps: EnqueueDeps, path: string): Promise<EnqueueResult> {
  let fingerprint;
  try {
    fingerprint = await fingerprintFile(path, undefined, { root: deps.inbox });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { queued: false, reason: 'gone' };
    if (error instanceof RefusedFileError) {
      logRefusalOnce(deps.logger, path, error);
      return { queued: false, reason: error.reason };
    }
    throw error;
  }
  refused.delete(path);
  const { id, created } = await queueUnlessIngested(deps, path, fingerprint.sha256, fingerprint.size);
  const data: IngestJob = { fileId: id, path };
  const jobId = ingestJobId(id);
  await deps.queue.add(INGEST_JOB, data, { jobId });
  if (created) deps.logger.info({ fileId: id, file: path, bytes: fingerprint.size }, 'file queued');
  else await reviveFailedJob(deps, jobId, id, path);
  return { queued: true, fileId: id, created };
}

/**
 * Queues the file as queueFile does, unless it is the file of a row already ingested whose job has
 * yet to move it out of the inbox: it waits for its folder to take it (read-only, full: its job
 * keeps trying, and is added again only if Redis lost it), or its job is moving it right now
 * (between the load's commit and the move). That row is returned: not a new file, so a folder scan
 * adds no row. Once that job has ended, the same content at the same path is a new drop (recorded
 * as a duplicate, or failed again, and moved).
 */
async function queueUnlessIngested(
  deps: EnqueueDeps,
  path: string,
  sha256: string,
  size: number,
): Promise<{ id: number; created: boolean }> {
  for (;;) {
    const row = await findIngestedAtPath(deps.pool, path, sha256);
    if (row !== null && (row.moveError !== null || (await jobStillRuns(deps, row.id)))) return { id: row.id, created: false };
    // Queued unless a load of this content finished since that look (then judge that one).
    const queued = await queueFileUnlessFinishedSince(deps.pool, path, sha256, size, row?.id ?? 0);
    if (queued !== null) return queued;
  }
}

async function jobStillRuns(deps: EnqueueDeps, fileId: number): Promise<boolean> {
  const state = await deps.queue.getJobState(ingestJobId(fileId));
  return state !== 'completed' && state !== 'failed' && state !== 'unknown';
}

/**
 * The row is still in flight, but its job (whose id is reused: add() above did nothing) failed
 * for good without settling it: the worker lost the database while giving up, or the job failed
 * under an older version that let outages use up its attempts. The job is retried with a fresh
 * budget, so the file waiting in the inbox is loaded (or failed properly) instead of stranded.
 */
async function reviveFailedJob(deps: EnqueueDeps, jobId: string, fileId: number, path: string): Promise<void> {
  if ((await deps.queue.getJobState(jobId)) !== 'failed') return;
  const job = await deps.queue.getJob(jobId);
  const failedReason = job?.failedReason;
  try {
    await job?.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    deps.logger.warn({ fileId, file: path, jobId, failedReason }, 'file re-queued: its job had failed without settling it');
  } catch {
    // Another watcher revived it first.
  }
}

/**
 * Entries refused once (a FIFO, a link...) and why. Every later event or scan for the same entry
 * is refused again, silently: one line per entry and reason, not one per event. Bounded, so an
 * inbox flooded with links cannot grow it without end (past the bound, lines may repeat).
 */
const refused = new Map<string, string>();
const MAX_REMEMBERED = 10_000;

function logRefusalOnce(logger: Logger, path: string, error: RefusedFileError): void {
  if (refused.get(path) === error.reason) return;
  if (refused.size >= MAX_REMEMBERED) refused.clear();
  refused.set(path, error.reason);
  logger.warn({ file: path, reason: error.reason, err: error.message }, 'file refused: not a regular file inside the watched folder');
}

/**
 * Queues every CSV file in `dir` (POST /ingest when no watcher runs in the process). Enqueueing is
 * idempotent, so files already queued or in flight are not queued twice.
 */
export async function enqueueFolder(deps: EnqueueDeps, dir: string): Promise<{ queued: number }> {
  let queued = 0;
  for (const file of await listCsvFiles([dir], dir)) {
    const result = await enqueueFile({ ...deps, inbox: deps.inbox ?? dir }, file);
    if (result.queued) queued++;
  }
  return { queued };
}
