/**
 * What the api stage asks the API, and how it summarises the answers. Pure: the data's shape in,
 * request paths and latency figures out.
 */

/** The three reads the scale target names, one turbine and one month each. */
export const API_ROUTES = ['GET /turbines', 'GET /turbines/:id/stats', 'GET /anomalies'] as const;
export type ApiRoute = (typeof API_ROUTES)[number];

export interface DataShape {
  turbines: number;
  /** First day of the data, YYYY-MM-DD (UTC). */
  start: string;
  days: number;
}

const DAY_MS = 86_400_000;

/**
 * The calendar months (UTC) that hold data: [from, to) for each month from the start's month to
 * the month of the last day. The first and last may be partly outside the data.
 */
export function dataMonths(shape: DataShape): Array<{ from: string; to: string }> {
  const first = new Date(`${shape.start}T00:00:00Z`);
  const lastDay = new Date(first.getTime() + (shape.days - 1) * DAY_MS);
  const months: Array<{ from: string; to: string }> = [];
  for (let y = first.getUTCFullYear(), m = first.getUTCMonth(); ; m += 1) {
    const from = new Date(Date.UTC(y, m, 1));
    if (from > lastDay) break;
    months.push({ from: from.toISOString(), to: new Date(Date.UTC(y, m + 1, 1)).toISOString() });
  }
  return months;
}

/**
 * `count` request paths for `route`, request i for turbine 1 + (i·97 mod turbines) and for the
 * month i·months/count: spread over the turbines and evenly over the whole time span, so few
 * requests find their pages already cached by the previous one. `offset` shifts i (the warm-up
 * uses requests the measured ones do not repeat).
 */
export function requestPaths(route: ApiRoute, shape: DataShape, count: number, offset = 0): string[] {
  if (route === 'GET /turbines') return Array.from({ length: count }, () => '/turbines');
  const months = dataMonths(shape);
  return Array.from({ length: count }, (_, k) => {
    const i = k + offset;
    const turbine = 1 + ((i * 97) % shape.turbines);
    const { from, to } = months[Math.floor(((i % count) * months.length) / count)]!;
    const range = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
    return route === 'GET /turbines/:id/stats' ? `/turbines/${turbine}/stats?${range}` : `/anomalies?turbine=${turbine}&${range}`;
  });
}

/** The nearest-rank percentile: the smallest value with at least p % of the values at or below it. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export interface LatencySummary {
  requests: number;
  /** Requests whose status was not 200 (their times are still counted). */
  errors: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

export function summariseLatencies(timesMs: readonly number[], errors: number): LatencySummary {
  return {
    requests: timesMs.length,
    errors,
    p50Ms: percentile(timesMs, 50),
    p95Ms: percentile(timesMs, 95),
    p99Ms: percentile(timesMs, 99),
    maxMs: timesMs.length > 0 ? Math.max(...timesMs) : Number.NaN,
    meanMs: timesMs.length > 0 ? timesMs.reduce((s, t) => s + t, 0) / timesMs.length : Number.NaN,
  };
}
