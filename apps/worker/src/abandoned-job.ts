import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { giveUp, type GiveUpDeps } from '@windmill/core/ingest/give-up';
import { ingestJobSchema } from '@windmill/core/platform/queues';

/** BullMQ's words for a job whose worker died under it too often, in the ledger's words. */
function explain(failedReason: string, maxStalled: number): string {
  if (/stalled more than allowable limit/.test(failedReason)) {
    return `the worker stopped (killed, or out of memory) while loading this file more than ${maxStalled} times: not tried again`;
  }
  return failedReason;
}

/**
 * For the worker's `failed` event: a job that failed for good without its processor settling
 * the file (BullMQ fails a job that stalled too often before any processor runs it).
 */
export async function settleAbandonedJob(deps: GiveUpDeps, log: Logger, job: Job, error: Error, maxStalled: number): Promise<void> {
  const parsed = ingestJobSchema.safeParse(job.data);
  if (!parsed.success) return;
  const { fileId, path } = parsed.data;
  await giveUp(deps, log, fileId, path, explain(error.message, maxStalled));
}
