import { hashUnit, keyOf, mix32, type Seed } from './prng.js';

/**
 * Clean readings for one turbine as a pure function of time. Every value is computed from the
 * instant alone (layered value noise instead of a replayed random walk), so a turbine's readings
 * are the same whether the data set is split by turbine or by day, and any file can be written
 * without generating the ones before it.
 */

/** A turbine's fixed character, drawn once from the seed and its id. */
export interface TurbineModel {
  id: number;
  key: number;
  /** Mean wind speed at the site, m/s. */
  meanWind: number;
  /** Half the day-night swing of wind speed, m/s, and the hour (UTC) it peaks. */
  dailySwing: number;
  peakHour: number;
  /** cos and sin of the peak hour as an angle on the 24-hour clock. */
  peakCos: number;
  peakSin: number;
  /** Power at and above rated wind speed, MW: the same for every turbine (see `RATED_POWER`). */
  ratedPower: number;
  baseDirection: number;
  /** Per noise layer, the knot last used and its two values: a cache, readings never depend on it. */
  knots: Float64Array;
}

/** A clean reading, already rounded as the challenge writes it. */
export interface Reading {
  windSpeed: number;
  windDirection: number;
  powerOutput: number;
}

const HOUR = 3600;
const DAY = 86_400;
/** Number of smooth-noise layers in `readingAt`. */
const LAYERS = 5;
const CUT_IN = 3;
const RATED_WIND = 12.5;
const CUT_OUT = 25;
/**
 * Every turbine is the same model, as the fleet power curve assumes: they differ in their wind,
 * not in how they turn wind into power, so a healthy turbine sits on the fleet's curve and a
 * derated one (see `readingAt`) stands out by its derate alone.
 */
export const RATED_POWER = 4.5;
/**
 * Standard deviation of the power noise around the curve, as a share of the curve's power: the
 * scatter grows with power, and a turbine below cut-in writes an exact 0.
 */
const POWER_NOISE = 0.02;

/** Builds the model of turbine `id` for `seed`; the same pair always gives the same turbine. */
export function createTurbineModel(seed: Seed, id: number): TurbineModel {
  const key = keyOf(seed, 'turbine', id);
  const u = (n: number): number => hashUnit(key, 0xfeed, n);
  const peakHour = 12 + 5 * u(3);
  return {
    id,
    key,
    meanWind: 8 + 2.5 * u(1),
    dailySwing: 0.8 + 1.4 * u(2),
    peakHour,
    peakCos: Math.cos((2 * Math.PI * peakHour) / 24),
    peakSin: Math.sin((2 * Math.PI * peakHour) / 24),
    ratedPower: RATED_POWER,
    baseDirection: 360 * u(6),
    knots: new Float64Array(3 * LAYERS).fill(Number.NaN),
  };
}

/**
 * Ideal power in MW for a wind speed in m/s: 0 below cut-in (3 m/s) and from cut-out (25 m/s),
 * rising with the cube of wind speed up to rated wind (12.5 m/s), then flat at `ratedPower`.
 */
export function powerCurve(windSpeed: number, ratedPower: number): number {
  if (windSpeed < CUT_IN || windSpeed >= CUT_OUT) return 0;
  if (windSpeed >= RATED_WIND) return ratedPower;
  return (ratedPower * (windSpeed * windSpeed * windSpeed - CUT_IN ** 3)) / (RATED_WIND ** 3 - CUT_IN ** 3);
}

/** Smooth noise in [-1, 1] for noise layer `layer`: random knots every `scaleSeconds`, eased between. */
function valueNoise(model: TurbineModel, layer: number, t: number, scaleSeconds: number): number {
  const x = t / scaleSeconds;
  const knot = Math.floor(x);
  const f = x - knot;
  const ease = f * f * (3 - 2 * f);
  const cache = model.knots;
  const at = 3 * layer;
  if (cache[at] !== knot) {
    cache[at] = knot;
    cache[at + 1] = hashUnit(model.key, knot, layer);
    cache[at + 2] = hashUnit(model.key, knot + 1, layer);
  }
  const a = cache[at + 1]!;
  return 2 * (a + (cache[at + 2]! - a) * ease) - 1;
}

/** Roughly normal noise, mean 0, standard deviation 1: the sum of three 10-bit uniforms of one hash. */
function jitter(key: number, salt: number, t: number): number {
  const h = mix32(key ^ mix32(t + salt));
  const sum = (h & 0x3ff) + ((h >>> 10) & 0x3ff) + ((h >>> 20) & 0x3ff);
  return (sum / 1023 - 1.5) * 2;
}

/** cos and sin of the time of day as an angle, kept for the last instant: all turbines share it. */
const clock = { t: Number.NaN, cos: 1, sin: 0 };
function dayAngle(t: number): typeof clock {
  if (clock.t !== t) {
    const angle = (2 * Math.PI * (((t % DAY) + DAY) % DAY)) / DAY;
    clock.t = t;
    clock.cos = Math.cos(angle);
    clock.sin = Math.sin(angle);
  }
  return clock;
}

/**
 * The turbine's reading at `epochSeconds`: wind speed with weather-scale swings, a daily rhythm
 * and gusts (never negative); direction as a slow wander modulo 360, whole degrees; power from
 * the power curve at that (rounded) wind speed with a little noise, within 0..ratedPower. Speed
 * and power have one decimal. `derate` in [0, 1] takes that share off the power before it is
 * rounded (0.25 leaves 75 %): the same instant with derate 0 is the un-derated reading, with the
 * same wind and noise, so the injected loss is the difference of the two.
 */
export function readingAt(model: TurbineModel, epochSeconds: number, derate = 0): Reading {
  const { key } = model;
  const t = epochSeconds;
  const day = dayAngle(t);
  const wind =
    model.meanWind +
    4 * valueNoise(model, 0, t, 3 * DAY) +
    1.5 * valueNoise(model, 1, t, 6 * HOUR) +
    model.dailySwing * (day.cos * model.peakCos + day.sin * model.peakSin) +
    0.6 * jitter(key, 0x1000_0000, t);
  const windSpeed = Math.round(Math.max(0, wind) * 10) / 10;

  const heading =
    model.baseDirection +
    150 * valueNoise(model, 2, t, 4 * DAY) +
    60 * valueNoise(model, 3, t, DAY) +
    20 * valueNoise(model, 4, t, 4 * HOUR) +
    4 * jitter(key, 0x2000_0000, t);
  const windDirection = ((Math.round(heading) % 360) + 360) % 360;

  const ideal = powerCurve(windSpeed, model.ratedPower);
  const power = ideal * (1 + POWER_NOISE * jitter(key, 0x3000_0000, t));
  const delivered = Math.min(model.ratedPower, Math.max(0, power)) * (1 - derate);
  const powerOutput = Math.round(delivered * 10) / 10;
  return { windSpeed, windDirection, powerOutput };
}
