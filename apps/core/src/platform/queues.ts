import { z } from 'zod';

/** Queue names, job names and job payload schemas: the contract between watcher, API, scheduler and workers. */

export const INGEST_QUEUE = 'ingest';
export const STATS_QUEUE = 'stats';

export const INGEST_JOB = 'ingest-file';
export const STATS_JOB = 'compute-stats';

/** The Job Scheduler's fixed id: upserting under it from any number of processes keeps one schedule. */
export const STATS_SCHEDULER_ID = 'stats-every-interval';

export const ingestJobSchema = z.object({
  /** The ledger row (`ingested_file.id`) created when the file was queued. */
  fileId: z.number().int().positive(),
  /** Absolute path of the file in the watched folder. */
  path: z.string().min(1),
});
export type IngestJob = z.infer<typeof ingestJobSchema>;

export const statsJobSchema = z.object({
  trigger: z.enum(['schedule', 'api', 'cli']).default('schedule'),
});
export type StatsJob = z.infer<typeof statsJobSchema>;

/** BullMQ job ids may not contain ':'; the ledger id is unique per queued file. */
export function ingestJobId(fileId: number): string {
  return `file-${fileId}`;
}
