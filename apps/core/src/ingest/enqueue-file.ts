import type { Queue } from 'bullmq';
import type { Pool } from '../db/pool.js';
import type { Logger } from '../platform/logger.js';
import { INGEST_JOB, ingestJobId, type IngestJob } from '../platform/queues.js';
import { fingerprintFile } from './fingerprint.js';
import { queueFile } from './ingested-file.repository.js';
import { listCsvFiles } from './list-files.js';

export interface EnqueueDeps {
  pool: Pool;
  queue: Queue;
  logger: Logger;
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
    fingerprint = await fingerprintFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { queued: false, reason: 'gone' };
    throw error;
  }
  const { id, created } = await queueFile(deps.pool, path, fingerprint.sha256, fingerprint.size);
  const data: IngestJob = { fileId: id, path };
  await deps.queue.add(INGEST_JOB, data, { jobId: ingestJobId(id) });
  if (created) deps.logger.info({ fileId: id, file: path, bytes: fingerprint.size }, 'file queued');
  return { queued: true, fileId: id, created };
}

/**
 * Queues every CSV file in `dir` (POST /ingest when no watcher runs in the process). Enqueueing is
 * idempotent, so files already queued or in flight are not queued twice.
 */
export async function enqueueFolder(deps: EnqueueDeps, dir: string): Promise<{ queued: number }> {
  let queued = 0;
  for (const file of await listCsvFiles([dir], dir)) {
    const result = await enqueueFile(deps, file);
    if (result.queued) queued++;
  }
  return { queued };
}
