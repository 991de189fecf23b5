import type { Queue } from 'bullmq';
import type { Pool } from '@windmill/core/db/pool';
import type { ApiQueues } from './deps.js';

export const DEFAULT_DEPENDENCY_TIMEOUT_MS = 2000;

export class TimeoutError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/** Resolves like `promise`, or rejects with a TimeoutError after `ms`; the timer never keeps the process alive. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(ms)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];
export type QueueDepth = Record<QueueState, number>;

export async function queueDepth(queue: Queue): Promise<QueueDepth> {
  const counts = await queue.getJobCounts(...QUEUE_STATES);
  return {
    waiting: counts.waiting ?? 0,
    active: counts.active ?? 0,
    delayed: counts.delayed ?? 0,
    failed: counts.failed ?? 0,
  };
}

/** Depth of every queue; asking Redis for them is also the Redis reachability check. */
export async function queueDepths(queues: ApiQueues, timeoutMs: number): Promise<Record<keyof ApiQueues, QueueDepth>> {
  const [ingest, stats] = await withTimeout(Promise.all([queueDepth(queues.ingest), queueDepth(queues.stats)]), timeoutMs);
  return { ingest, stats };
}

export async function pingPostgres(pool: Pool, timeoutMs: number): Promise<void> {
  await withTimeout(pool.query('SELECT 1'), timeoutMs);
}

/** A short, infrastructure-free reason for a failed probe (the full error goes to the log). */
export function probeFailure(err: unknown): 'timeout' | 'unreachable' {
  return err instanceof TimeoutError ? 'timeout' : 'unreachable';
}

/** What /health says about Postgres; `slow`: it answers, but the statistics tables do not in time. */
export interface PostgresReport {
  status: 'up' | 'slow' | 'down';
  latencyMs: number | null;
  error: 'timeout' | 'unreachable' | 'lock_timeout' | 'statement_timeout' | null;
  /** Why it is slow or down, for a person; null when up. */
  reason: string | null;
}

/**
 * One read of each statistics table, as the API's statistics reads do, under a lock timeout of
 * `lockMs` for this statement alone (a multi-statement query is one implicit transaction, so SET
 * LOCAL ends with it). An `ACCESS EXCLUSIVE` lock on either table (a `LOCK TABLE`, a long DDL)
 * makes it fail with 55P03 instead of waiting.
 */
export async function readStatsTables(pool: Pool, lockMs: number, timeoutMs: number): Promise<void> {
  await withTimeout(
    pool.query(
      `SET LOCAL lock_timeout = ${Math.max(1, Math.round(lockMs))}; SELECT (SELECT 1 FROM window_stat LIMIT 1) AS w, (SELECT 1 FROM anomaly LIMIT 1) AS a`,
    ),
    timeoutMs,
  );
}

/**
 * Postgres as /health reports it. `down`: it does not answer `SELECT 1` (unreachable, or no answer
 * in time with connections free). `slow`: it answers, but a read of the statistics tables waits
 * on a lock past half the probe's time, or every connection of the API is busy and the probe
 * could not get one in time; the API's statistics reads answer 503 meanwhile, its other reads go on.
 */
export async function postgresHealth(
  pool: Pool,
  timeoutMs: number,
  onError: (err: unknown, report: PostgresReport) => void,
): Promise<PostgresReport> {
  const started = performance.now();
  let pingMs: number | null = null;
  const [ping, stats] = await Promise.allSettled([
    pingPostgres(pool, timeoutMs).then(() => {
      pingMs = Math.round((performance.now() - started) * 10) / 10;
    }),
    readStatsTables(pool, timeoutMs / 2, timeoutMs),
  ]);
  if (ping.status === 'rejected') {
    const report: PostgresReport = isSaturated(pool)
      ? {
          status: 'slow',
          latencyMs: null,
          error: 'timeout',
          reason: `every connection of the API is busy: no answer within ${timeoutMs} ms`,
        }
      : { status: 'down', latencyMs: null, error: probeFailure(ping.reason), reason: 'Postgres does not answer SELECT 1' };
    onError(ping.reason, report);
    return report;
  }
  if (stats.status === 'rejected') {
    const code = (stats.reason as { code?: unknown }).code;
    const report: PostgresReport =
      code === '55P03'
        ? { status: 'slow', latencyMs: pingMs, error: 'lock_timeout', reason: lockReason(timeoutMs / 2) }
        : code === '57014'
          ? {
              status: 'slow',
              latencyMs: pingMs,
              error: 'statement_timeout',
              reason: 'a read of the statistics tables ran past its statement timeout',
            }
          : stats.reason instanceof TimeoutError
            ? {
                status: 'slow',
                latencyMs: pingMs,
                error: 'timeout',
                reason: `a read of the statistics tables did not answer within ${timeoutMs} ms`,
              }
            : { status: 'down', latencyMs: pingMs, error: 'unreachable', reason: 'the statistics tables cannot be read' };
    onError(stats.reason, report);
    return report;
  }
  return { status: 'up', latencyMs: pingMs, error: null, reason: null };
}

function lockReason(lockMs: number): string {
  return `a read of the statistics tables (window_stat, anomaly) waited more than ${Math.round(lockMs)} ms for a lock another session holds (pg_locks says which)`;
}

/** Every connection handed out and requests waiting for one. */
function isSaturated(pool: Pool): boolean {
  return pool.waitingCount > 0 && pool.totalCount >= (pool.options.max ?? 10);
}
