import { binCentre, tallyBins, windBin, type BinTally, type CurveReading } from './power-curve-bins.js';

/**
 * The reference power curve: per wind-speed bin, the count, mean and sample standard deviation
 * of the power of measured readings, and whether the bin has enough readings to be used.
 */

/** How the curve is built: POWER_CURVE_BIN_WIDTH and POWER_CURVE_MIN_BIN_COUNT. */
export interface CurveSettings {
  /** Bin width in m/s, > 0 (default 0.5). */
  binWidth: number;
  /** Fewest readings a bin needs to be used, an integer >= 1 (default 5). */
  minBinCount: number;
}

export interface CurveBin {
  /** Bin index k (see `windBin`). */
  bin: number;
  /** Centre wind speed, m/s: k · binWidth. */
  centre: number;
  count: number;
  /** Mean power, MW. */
  mean: number;
  /** Sample standard deviation (n − 1) of power, MW; null when count < 2. */
  stddev: number | null;
  /** count >= minBinCount: only usable bins give expected power. */
  usable: boolean;
}

export interface PowerCurve {
  binWidth: number;
  /** Every bin with at least one reading, ordered by bin (usable or not, for display). */
  bins: readonly CurveBin[];
  /** The usable bins, ordered by bin: what `expectedPower` interpolates between. */
  usable: readonly CurveBin[];
}

/**
 * The curve from bin tallies (e.g. the merged daily tallies of a reference period). σ comes
 * from the sums as sqrt((Σp² − (Σp)²/n) / (n − 1)), clamped at 0 against rounding, so that SQL
 * summing the same columns gets the same value. No tallies give a curve with no bins.
 */
export function curveFromTallies(tallies: readonly BinTally[], settings: CurveSettings): PowerCurve {
  const bins = [...tallies]
    .filter((t) => t.count > 0)
    .sort((a, b) => a.bin - b.bin)
    .map(({ bin, count, sum, sumSquares }): CurveBin => {
      const mean = sum / count;
      const stddev = count < 2 ? null : Math.sqrt(Math.max(0, (sumSquares - (sum * sum) / count) / (count - 1)));
      return { bin, centre: binCentre(bin, settings.binWidth), count, mean, stddev, usable: count >= settings.minBinCount };
    });
  return { binWidth: settings.binWidth, bins, usable: bins.filter((b) => b.usable) };
}

/**
 * The curve of a set of readings: only readings whose wind speed and power were both measured
 * count (see `isMeasured`). All readings imputed, or none at all, give a curve with no bins.
 */
export function buildPowerCurve(readings: Iterable<CurveReading>, settings: CurveSettings): PowerCurve {
  return curveFromTallies(tallyBins(readings, settings.binWidth), settings);
}

/**
 * Expected power (MW) at `windSpeed` m/s, or null when the curve cannot say.
 *
 * - Between two usable bin centres: linear interpolation between their means. Unusable or empty
 *   bins between them are bridged: the line runs from the nearest usable centre below to the
 *   nearest usable centre above. A thin bin inside a well-filled curve thus costs a little
 *   accuracy, not the readings in it (a wide gap is bridged too: the curve has no other value
 *   there, and the coverage rule of `isUnderperforming` limits what thin curves can flag).
 * - Within the outermost usable bins but beyond their centres (e.g. 12.6 m/s when 12.5 is the
 *   highest usable centre and 12.5 bins hold [12.25, 12.75)): that bin's mean. The reading is in
 *   a usable bin, which is the curve's best estimate there; nothing beyond it is extrapolated.
 * - In a bin below the lowest or above the highest usable bin (wind outside the curve), with no
 *   usable bin at all, or with no wind speed: null, and the reading has no expected value.
 *
 * Which bin a speed is in follows `windBin`, so the ends agree with the bins to the last bit.
 * In SQL: lo.mean + (hi.mean − lo.mean) · (v − lo.bin·w) / ((hi.bin − lo.bin)·w).
 */
export function expectedPower(curve: PowerCurve, windSpeed: number | null): number | null {
  const { usable, binWidth } = curve;
  if (windSpeed === null || usable.length === 0) return null;
  const bin = windBin(windSpeed, binWidth);
  const first = usable[0]!;
  const last = usable[usable.length - 1]!;
  if (bin < first.bin || bin > last.bin) return null;
  if (windSpeed <= first.centre) return first.mean;
  if (windSpeed >= last.centre) return last.mean;
  // The last usable bin whose centre is <= windSpeed; the one after it is the upper neighbour.
  let lo = 0;
  let hi = usable.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (usable[mid]!.centre <= windSpeed) lo = mid;
    else hi = mid;
  }
  const a = usable[lo]!;
  const b = usable[hi]!;
  return a.mean + ((b.mean - a.mean) * (windSpeed - a.centre)) / ((b.bin - a.bin) * binWidth);
}

/**
 * The fleet's rated power as the curve sees it: the highest mean of a usable bin, MW; null when no
 * bin is usable. It is the yardstick of the underperformance guard (`isJudged`): a window whose
 * expected energy is a small share of `ratedPower × window hours` is a calm one, where the 0.1 MW
 * resolution of exports makes the ratio too noisy to judge. Taken from the curve rather than from a
 * setting, so it follows the fleet (and a derated reference period) without configuration.
 */
export function ratedPower(curve: PowerCurve): number | null {
  let max: number | null = null;
  for (const bin of curve.usable) if (max === null || bin.mean > max) max = bin.mean;
  return max;
}
