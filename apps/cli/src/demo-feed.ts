import path from 'node:path';
import type { Job, Worker } from 'bullmq';
import type { Pool } from '@windmill/core/db/pool';
import { FINAL_FILE_STATUSES } from '@windmill/core/domain/enums';
import { findFile, type LedgerRow } from '@windmill/core/ingest/ingested-file.repository';
import { ingestJobSchema } from '@windmill/core/platform/queues';

export interface FileOutcomeFeed {
  /** From now on every final outcome is told, not only failures (after the demo's summary). */
  tellEverything(): void;
}

/**
 * One human line per file the worker finishes: a failed file at once, any outcome once
 * tellEverything() is called (after the demo's summary), so that dropping more files into the
 * inbox gives visible feedback. Retries of a transient failure print nothing; the final outcome
 * does. The demo hides the worker's own log lines for a failed file (FILE_FAILED_MESSAGES): this
 * line is the one that tells it.
 */
export function followFileOutcomes(worker: Worker, pool: Pool, apiUrl: string, say: (line: string) => void): FileOutcomeFeed {
  let everything = false;
  const report = (fileId: number) => {
    findFile(pool, fileId).then(
      (row) => {
        // A failed attempt that will be retried leaves the row in flight: only final outcomes are told.
        if (!row || !(FINAL_FILE_STATUSES as readonly string[]).includes(row.status)) return;
        if (everything || row.status === 'failed') say(describeFileOutcome(row, apiUrl));
      },
      () => undefined,
    );
  };
  worker.on('completed', (job: Job) => {
    const parsed = ingestJobSchema.safeParse(job.data);
    if (parsed.success) report(parsed.data.fileId);
  });
  worker.on('failed', (job: Job | undefined) => {
    const parsed = ingestJobSchema.safeParse(job?.data);
    if (parsed.success) report(parsed.data.fileId);
  });
  return {
    tellEverything() {
      everything = true;
    },
  };
}

/** One line for a ledger row in a final status. */
export function describeFileOutcome(row: LedgerRow, apiUrl: string): string {
  const name = path.basename(row.path);
  const link = `${apiUrl}/#/files/${row.id}/rejections`;
  const c = row.counts;
  switch (row.status) {
    case 'done':
      return (
        `loaded     ${name}: ${c.rowsTotal} lines, ${c.rowsLoaded} loaded (${c.rowsImputed} with imputed values), ` +
        `${c.rowsDuplicate} duplicate, ${c.rowsRejected} rejected  ${link}`
      );
    case 'duplicate':
      return `duplicate  ${name}: same content as file #${row.duplicateOfId ?? '?'}, nothing added  ${link}`;
    case 'failed':
      return `failed     ${name}: ${row.error ?? 'unknown error'}${row.finalPath ? ` (moved to ${row.finalPath})` : ''}  ${link}`;
    default:
      return `${row.status.padEnd(10)} ${name}`;
  }
}
