/**
 * An independent, deliberately naive calculation of the statistics rules for tests: plain arrays, two-pass
 * mean and variance, no SQL. Used to check what the pipeline stored.
 */

export interface RefReading {
  turbineId: number;
  ts: number;
  power: number;
  powerImputed?: boolean;
}

export interface RefWindow {
  turbineId: number;
  windowStart: number;
  count: number;
  min: number;
  max: number;
  mean: number;
  stddev: number | null;
  imputedCount: number;
}

export interface RefAnomaly {
  kind: 'reading' | 'turbine';
  turbineId: number;
  windowStart: number;
  ts: number | null;
  value: number;
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function sampleStddev(values: number[]): number | null {
  if (values.length < 2) return null;
  const m = mean(values);
  return Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1));
}

export function referenceWindows(readings: RefReading[], windowSeconds: number): RefWindow[] {
  const groups = new Map<string, RefReading[]>();
  for (const r of readings) {
    const start = Math.floor(r.ts / (windowSeconds * 1000)) * windowSeconds * 1000;
    const key = `${r.turbineId}|${start}`;
    const list = groups.get(key) ?? [];
    list.push(r);
    groups.set(key, list);
  }
  return [...groups.entries()].map(([key, list]) => {
    const [turbineId, windowStart] = key.split('|').map(Number) as [number, number];
    const values = list.map((r) => r.power);
    return {
      turbineId,
      windowStart,
      count: values.length,
      min: Math.min(...values),
      max: Math.max(...values),
      mean: mean(values),
      stddev: sampleStddev(values),
      imputedCount: list.filter((r) => r.powerImputed).length,
    };
  });
}

/** Both anomaly kinds, with k = sigma and strict comparisons. A tolerance keeps float noise out of ties. */
export function referenceAnomalies(readings: RefReading[], windowSeconds: number, sigma: number): RefAnomaly[] {
  const windows = referenceWindows(readings, windowSeconds);
  const byKey = new Map(windows.map((w) => [`${w.turbineId}|${w.windowStart}`, w]));
  const out: RefAnomaly[] = [];
  for (const r of readings) {
    const start = Math.floor(r.ts / (windowSeconds * 1000)) * windowSeconds * 1000;
    const w = byKey.get(`${r.turbineId}|${start}`)!;
    if (w.count < 3 || w.stddev === null || w.stddev <= 1e-12) continue;
    if (Math.abs(r.power - w.mean) > sigma * w.stddev + 1e-9) {
      out.push({ kind: 'reading', turbineId: r.turbineId, windowStart: start, ts: r.ts, value: r.power });
    }
  }
  const byStart = new Map<number, RefWindow[]>();
  for (const w of windows) byStart.set(w.windowStart, [...(byStart.get(w.windowStart) ?? []), w]);
  for (const [start, list] of byStart) {
    if (list.length < 3) continue;
    const means = list.map((w) => w.mean);
    const mu = mean(means);
    const sd = sampleStddev(means)!;
    if (sd <= 1e-12) continue;
    for (const w of list) {
      if (Math.abs(w.mean - mu) > sigma * sd + 1e-9) {
        out.push({ kind: 'turbine', turbineId: w.turbineId, windowStart: start, ts: null, value: w.mean });
      }
    }
  }
  return out;
}

export function anomalyKey(a: { kind: string; turbineId: number; windowStart: number; ts: number | null }): string {
  return `${a.kind}|${a.turbineId}|${a.windowStart}|${a.ts ?? ''}`;
}
