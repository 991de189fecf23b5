/**
 * The pipeline's vocabularies, defined once. The database has the same values as Postgres enum
 * types (prisma/schema.prisma; test/schema checks that both agree); the API's schemas, the
 * repositories and the read models all take them from here.
 */

/** A file's place in the ingest ledger, from queued to one of the three final statuses. */
export const FILE_STATUSES = ['queued', 'processing', 'done', 'duplicate', 'failed'] as const;
export type FileStatus = (typeof FILE_STATUSES)[number];

/** Statuses after which a ledger row never changes again. */
export const FINAL_FILE_STATUSES = ['done', 'duplicate', 'failed'] as const satisfies readonly FileStatus[];

/** Why a line was rejected (cleaning step 1, and step 4 for power that stays missing). */
export const REJECT_REASONS = ['column_count', 'bad_timestamp', 'bad_turbine_id', 'missing_power'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/**
 * What an anomaly flags: one reading against its turbine-window, a turbine-window against the
 * fleet's window means, or a turbine-window producing less than the fleet's power curve expects.
 */
export const ANOMALY_KINDS = ['reading', 'turbine', 'underperformance'] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

export const STATS_RUN_STATUSES = ['running', 'done', 'failed'] as const;
export type StatsRunStatus = (typeof STATS_RUN_STATUSES)[number];

/** What started a stats run: the Job Scheduler, a request to the API, or `npm run ingest`. */
export const STATS_TRIGGERS = ['schedule', 'api', 'cli'] as const;
export type StatsTrigger = (typeof STATS_TRIGGERS)[number];
