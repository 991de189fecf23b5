import type { StatsTrigger } from './enums.js';

/**
 * While files are loading, a scheduled stats run would recompute windows that the next commit
 * changes again: at scale, back-to-back full runs take the cores the loads need. So a scheduled
 * run waits while files are queued or loading, but never lets committed data wait for its
 * statistics longer than a bound. Requested runs (API, CLI) never wait.
 */

/** What the ledger says about loading, at the moment a scheduled run is due. */
export interface LoadingBacklog {
  /** Files queued or being loaded. */
  filesLoading: number;
  /**
   * Seconds since the oldest load that committed after the last completed stats run began, that
   * is the longest any loaded reading has waited for its statistics; null when none is waiting.
   */
  oldestWaitingSeconds: number | null;
}

/**
 * True when a run should give way to the loads: it is a scheduled run, deferral is on
 * (`maxWaitSeconds` > 0), files are loading, and no committed load has waited `maxWaitSeconds` yet.
 */
export function shouldDeferStatsRun(trigger: StatsTrigger, backlog: LoadingBacklog, maxWaitSeconds: number): boolean {
  if (trigger !== 'schedule' || maxWaitSeconds <= 0 || backlog.filesLoading === 0) return false;
  return (backlog.oldestWaitingSeconds ?? 0) < maxWaitSeconds;
}
