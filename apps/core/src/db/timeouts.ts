/**
 * The statement and lock timeouts Windmill sets itself, so that what a database administrator
 * sets as the database's default (`ALTER DATABASE ... SET statement_timeout`) neither cuts its
 * work short nor lets a read hang on a lock:
 *
 * - a file load and a stats run set generous limits for their own transaction (`SET LOCAL`, right
 *   after `BEGIN`): JOB_STATEMENT_TIMEOUT_SECONDS for a statement, the same for a lock wait (a load
 *   may legitimately wait minutes for another load of the same keys);
 * - the API's connections carry short limits for the whole session (API_STATEMENT_TIMEOUT_MS,
 *   API_LOCK_TIMEOUT_MS), so a read stuck behind a table lock ends and answers 503.
 */

export interface QueryTimeouts {
  /** Longest a statement may run, waits included (Postgres' statement_timeout), in ms. */
  statementMs: number;
  /** Longest a statement may wait for one lock (Postgres' lock_timeout), in ms. */
  lockMs: number;
}

/** The default of JOB_STATEMENT_TIMEOUT_SECONDS: far above any statement of a load or a run at 100 M readings. */
export const DEFAULT_JOB_STATEMENT_TIMEOUT_SECONDS = 1800;

/** A load's or a stats run's limits: `seconds` for a statement and for a lock wait. */
export function jobTimeouts(seconds: number): QueryTimeouts {
  return { statementMs: seconds * 1000, lockMs: seconds * 1000 };
}

export const DEFAULT_JOB_TIMEOUTS: QueryTimeouts = Object.freeze(jobTimeouts(DEFAULT_JOB_STATEMENT_TIMEOUT_SECONDS));

/** Both limits as one statement string for the rest of the current transaction (simple protocol, one round trip). */
export function setLocalTimeoutsSql(timeouts: QueryTimeouts): string {
  return `SET LOCAL statement_timeout = ${wholeMs(timeouts.statementMs)}; SET LOCAL lock_timeout = ${wholeMs(timeouts.lockMs)}`;
}

function wholeMs(ms: number): number {
  if (!Number.isFinite(ms) || ms < 1) throw new RangeError(`a timeout must be at least 1 ms, got ${ms}`);
  return Math.round(ms);
}
