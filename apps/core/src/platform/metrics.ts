import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * The process-wide Prometheus registry: what the worker observes while it runs jobs, plus Node's
 * default process metrics. The API serves it on `/metrics` merged with the metrics of its own app
 * (HTTP durations and gauges read at scrape time), which live in a registry per app so tests can
 * build the app many times. In `npm start` worker and API share a process and so this registry;
 * as separate services each process exposes its own.
 */
export const processRegistry = new Registry();

export type JobOutcome = 'completed' | 'failed';

/** How long a job's processor ran, by queue and outcome. Buckets span a tiny file to a big stats run. */
export const jobDurationSeconds = new Histogram({
  name: 'windmill_job_duration_seconds',
  help: 'Time a BullMQ job spent in its processor, by queue and outcome',
  labelNames: ['queue', 'outcome'] as const,
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
  registers: [processRegistry],
});

/** Records one finished job. */
export function observeJobDuration(queue: string, outcome: JobOutcome, seconds: number): void {
  jobDurationSeconds.observe({ queue, outcome }, seconds);
}

/** Starts a timer for a job; call the returned function once with the outcome. */
export function startJobTimer(queue: string): (outcome: JobOutcome) => void {
  const started = process.hrtime.bigint();
  return (outcome) => observeJobDuration(queue, outcome, Number(process.hrtime.bigint() - started) / 1e9);
}

let defaultMetricsOn = false;

/** Adds Node's default process metrics (`windmill_process_*`, `windmill_nodejs_*`) once per process; later calls do nothing. */
export function enableDefaultMetrics(): void {
  if (defaultMetricsOn) return;
  collectDefaultMetrics({ register: processRegistry, prefix: 'windmill_' });
  defaultMetricsOn = true;
}
