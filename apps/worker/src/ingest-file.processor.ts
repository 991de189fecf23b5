import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { ingestQueuedFile, type IngestFileDeps } from '@windmill/core/ingest/ingest-queued-file';
import type { LoadOutcome } from '@windmill/core/ingest/load-file';
import { isQueryTimeout, outageDelayMs } from '@windmill/core/platform/outage';
import { ingestJobSchema } from '@windmill/core/platform/queues';
import { redactText } from '@windmill/core/platform/redact';

export interface IngestProcessorDeps extends IngestFileDeps {
  /** While Postgres or Redis is unreachable: the first wait and the longest (OUTAGE_BACKOFF_MAX_SECONDS). */
  outage?: { baseMs: number; maxMs: number };
}

export interface IngestJobResult {
  fileId: number;
  status: LoadOutcome['status'] | 'vanished';
  finalPath: string | null;
}

/**
 * The ingest-file job: an adapter from BullMQ to the core's use case (ingest-queued-file.ts),
 * mapping each outcome to what BullMQ understands:
 *
 * - waiting for the database: the job goes back to the delayed set (moveToDelayed, which uses no
 *   attempt) with a delay doubling up to `outage.maxMs`, for as long as the outage lasts;
 * - waiting to move the file out of the inbox (its folder read-only or full): the same, for as
 *   long as the file system refuses;
 * - a file that cannot be read, or the last attempt given up: UnrecoverableError (no retries);
 * - anything else: the error is thrown, and BullMQ retries with backoff.
 */
export function createIngestProcessor(deps: IngestProcessorDeps) {
  const outage = deps.outage ?? { baseMs: 2_000, maxMs: 60_000 };
  return async (job: Job, token?: string): Promise<IngestJobResult> => {
    const parsed = ingestJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid ingest job payload: ${parsed.error.message}`);
    const { fileId, path } = parsed.data;
    const log = deps.logger.child({ queue: job.queueName, jobId: job.id, fileId, file: path });
    const attempt = { number: job.attemptsMade + 1, of: job.opts.attempts ?? 1, canWaitForDatabase: token !== undefined };
    const outcome = await ingestQueuedFile(deps, { fileId, path }, attempt, log);
    switch (outcome.kind) {
      case 'settled':
        return { fileId, status: outcome.status, finalPath: outcome.finalPath };
      case 'vanished':
        return { fileId, status: 'vanished', finalPath: null };
      case 'failed':
        throw new UnrecoverableError(outcome.error);
      case 'gave-up':
        throw new UnrecoverableError(outcome.reason);
      case 'retry':
        log.warn(
          { err: redactText((outcome.error as Error).message), attempt: attempt.number, attempts: attempt.of },
          'ingest attempt failed; will retry',
        );
        throw outcome.error;
      case 'wait-for-move': {
        // Told once, at error level, by the use case when the wait began; a direct call (no token) retries.
        if (token === undefined) throw outcome.error;
        const delayMs = outageDelayMs(waitsSoFar(job), outage.baseMs, outage.maxMs);
        log.debug({ delayMs }, 'file waits in the inbox to be moved (no attempt used)');
        await job.moveToDelayed(Date.now() + delayMs, token);
        throw new DelayedError();
      }
      case 'wait-for-database': {
        const delayMs = outageDelayMs(waitsSoFar(job), outage.baseMs, outage.maxMs);
        log.warn(
          { err: redactText((outcome.error as Error).message ?? String(outcome.error)), delayMs, waitsSoFar: waitsSoFar(job) },
          isQueryTimeout(outcome.error)
            ? 'a database statement timed out (a lock held for long, or a statement_timeout too short): the file waits and tries again (no attempt used)'
            : 'database or queue unreachable: the file waits for it (no attempt used)',
        );
        await job.moveToDelayed(Date.now() + delayMs, token);
        throw new DelayedError();
      }
    }
  };
}

/** How often the job went back to the delayed set without using an attempt (each start after a delay counts in attemptsStarted only). */
function waitsSoFar(job: Job): number {
  return Math.max(0, (job.attemptsStarted ?? 1) - job.attemptsMade - 1);
}
