/**
 * An independent, deliberately naive calculation of the power-curve feature for
 * tests: plain arrays and loops written from the definitions, two-pass mean and deviation, no
 * tallies and no code shared with the product. Each window's curve is rebuilt from scratch.
 *
 * Definitions: a bin of width w holds the speeds nearest to its centre k·w, a speed half-way
 * between two centres going to the upper one. A window is judged by the curve of all turbines'
 * readings with wind speed and power both measured in the D whole UTC days before the day its
 * start falls in. Bins with fewer than the minimum count are not used. Expected power
 * interpolates linearly between the nearest usable centres below and above; beyond the
 * outermost usable centres it is their mean, up to the outer edge of their bin. A window is judged
 * when it has a ratio, used at least half its expected readings and expects at least a minimum
 * share of the rated energy (the highest usable bin mean over the window's hours).
 */

export interface RefPowerReading {
  turbineId: number;
  ts: number;
  windSpeed: number | null;
  power: number;
  windSpeedImputed: boolean;
  powerImputed: boolean;
}

export interface RefPowerSettings {
  binWidth: number;
  minBinCount: number;
  referenceDays: number;
  threshold: number;
  /** A window is judged only when it expects at least this share of rated power (the highest usable bin mean) × its hours. */
  minExpectedShare: number;
  windowSeconds: number;
  intervalSeconds: number;
}

export interface RefBin {
  k: number;
  count: number;
  mean: number;
  stddev: number | null;
  usable: boolean;
}

export interface RefPowerWindow {
  turbineId: number;
  windowStart: number;
  readings: number;
  readingsUsed: number;
  energy: number;
  usedEnergy: number;
  expectedEnergy: number;
  lostEnergy: number;
  ratio: number | null;
  /** Highest usable bin mean of the window's curve × the window's hours; null without a usable bin. */
  ratedEnergy: number | null;
  /** Ratio present, at least half the expected readings used, and expected energy >= share × rated energy. */
  judged: boolean;
  flagged: boolean;
  /** Timestamps of the readings used, to compare with what was injected into exactly those. */
  usedTs: number[];
}

const DAY = 86_400_000;

function binOf(speed: number, width: number): number {
  return Math.round(speed / width);
}

function measured(r: RefPowerReading): boolean {
  return r.windSpeed !== null && !r.windSpeedImputed && !r.powerImputed;
}

/** The curve of the measured readings with fromMs <= ts < toMs, bins ordered by k. */
export function referenceCurve(readings: RefPowerReading[], fromMs: number, toMs: number, width: number, minCount: number): RefBin[] {
  const powers = new Map<number, number[]>();
  for (const r of readings) {
    if (r.ts < fromMs || r.ts >= toMs || !measured(r)) continue;
    const k = binOf(r.windSpeed!, width);
    if (!powers.has(k)) powers.set(k, []);
    powers.get(k)!.push(r.power);
  }
  const bins: RefBin[] = [];
  for (const [k, list] of powers) {
    let sum = 0;
    for (const p of list) sum += p;
    const mean = sum / list.length;
    let squares = 0;
    for (const p of list) squares += (p - mean) ** 2;
    const stddev = list.length < 2 ? null : Math.sqrt(squares / (list.length - 1));
    bins.push({ k, count: list.length, mean, stddev, usable: list.length >= minCount });
  }
  return bins.sort((a, b) => a.k - b.k);
}

/** Expected power at `speed`, or null. */
export function referenceExpected(bins: RefBin[], speed: number, width: number): number | null {
  const usable = bins.filter((b) => b.usable);
  if (usable.length === 0) return null;
  const k = binOf(speed, width);
  if (k < usable[0]!.k || k > usable[usable.length - 1]!.k) return null;
  let below: RefBin | null = null;
  let above: RefBin | null = null;
  for (const b of usable) {
    if (b.k * width <= speed) below = b;
    if (b.k * width >= speed && above === null) above = b;
  }
  if (below === null) return above!.mean;
  if (above === null) return below.mean;
  if (below.k === above.k) return below.mean;
  const x0 = below.k * width;
  const x1 = above.k * width;
  return below.mean + ((above.mean - below.mean) * (speed - x0)) / (x1 - x0);
}

/** Every (turbine, window) with readings, ordered by window start, then turbine. */
export function referencePowerWindows(readings: RefPowerReading[], s: RefPowerSettings): RefPowerWindow[] {
  const windowMs = s.windowSeconds * 1000;
  const hours = s.intervalSeconds / 3600;
  const keys = new Map<string, { turbineId: number; windowStart: number }>();
  for (const r of readings) {
    const windowStart = Math.floor(r.ts / windowMs) * windowMs;
    keys.set(`${r.turbineId}|${windowStart}`, { turbineId: r.turbineId, windowStart });
  }
  const out: RefPowerWindow[] = [];
  for (const { turbineId, windowStart } of keys.values()) {
    const dayStart = Math.floor(windowStart / DAY) * DAY;
    const bins = referenceCurve(readings, dayStart - s.referenceDays * DAY, dayStart, s.binWidth, s.minBinCount);
    const w: RefPowerWindow = {
      turbineId,
      windowStart,
      readings: 0,
      readingsUsed: 0,
      energy: 0,
      usedEnergy: 0,
      expectedEnergy: 0,
      lostEnergy: 0,
      ratio: null,
      ratedEnergy: null,
      judged: false,
      flagged: false,
      usedTs: [],
    };
    for (const r of readings) {
      if (r.turbineId !== turbineId || r.ts < windowStart || r.ts >= windowStart + windowMs) continue;
      w.readings += 1;
      w.energy += r.power * hours;
      if (!measured(r)) continue;
      const expected = referenceExpected(bins, r.windSpeed!, s.binWidth);
      if (expected === null) continue;
      w.readingsUsed += 1;
      w.usedEnergy += r.power * hours;
      w.expectedEnergy += expected * hours;
      w.usedTs.push(r.ts);
    }
    w.lostEnergy = w.expectedEnergy - w.usedEnergy;
    w.ratio = w.expectedEnergy > 0 ? w.usedEnergy / w.expectedEnergy : null;
    const expectedCount = s.windowSeconds / s.intervalSeconds;
    const usableMeans = bins.filter((b) => b.usable).map((b) => b.mean);
    w.ratedEnergy = usableMeans.length === 0 ? null : Math.max(...usableMeans) * (s.windowSeconds / 3600);
    w.judged =
      w.ratio !== null &&
      w.readingsUsed >= expectedCount / 2 &&
      w.ratedEnergy !== null &&
      w.expectedEnergy >= s.minExpectedShare * w.ratedEnergy;
    w.flagged = w.judged && w.ratio! < 1 - s.threshold;
    out.push(w);
  }
  return out.sort((a, b) => a.windowStart - b.windowStart || a.turbineId - b.turbineId);
}
