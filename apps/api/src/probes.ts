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
