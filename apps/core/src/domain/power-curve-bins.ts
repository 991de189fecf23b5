/**
 * The method of bins (IEC 61400-12-1) as Windmill uses it: wind speed is cut into bins of
 * `binWidth` m/s centred on multiples of the width (0, 0.5, 1.0, ... for 0.5), and each bin
 * tallies the power of the readings that fall in it. Tallies are sums, so a period's curve is the
 * merge of its days' tallies: the stats job can keep one small row per (day, bin) and add 30 of
 * them instead of scanning 30 days of readings.
 */

/** What the curve needs of a reading; `CleanReading` and the stored reading both have it. */
export interface CurveReading {
  /** m/s; null when the export had none (or an outlier) and it could not be imputed. */
  windSpeed: number | null;
  /** MW. */
  power: number;
  windSpeedImputed: boolean;
  powerImputed: boolean;
}

/** Count, sum and sum of squares of power (MW) of the measured readings in one wind-speed bin. */
export interface BinTally {
  /** Bin index k: the bin centred on k · binWidth m/s. */
  bin: number;
  count: number;
  sum: number;
  sumSquares: number;
}

/**
 * The bin index of a wind speed: the bin centred on `index · binWidth` holds the half-open range
 * [centre − binWidth/2, centre + binWidth/2). A speed exactly half-way between two centres
 * (0.25 m/s with 0.5 m/s bins) goes to the upper bin, like a reading on a window boundary goes
 * to the window that starts there: every speed lands in exactly one bin, and 0 m/s in bin 0.
 * Computed in IEEE doubles as `floor(speed / width + 0.5)`; SQL must use the same formula on
 * float8 (not `round()`, whose ties are platform-dependent for float8) to get the same bins.
 */
export function windBin(windSpeed: number, binWidth: number): number {
  return Math.floor(windSpeed / binWidth + 0.5);
}

/** Wind speed at the centre of bin `bin`, m/s. */
export function binCentre(bin: number, binWidth: number): number {
  return bin * binWidth;
}

/**
 * True when both the wind speed and the power of the reading were measured: present in the
 * export, within bounds, not imputed. Only such readings build a curve or are judged against
 * one, because an imputed value is a straight line between neighbours, not an observation of
 * how the turbine answered that wind.
 */
export function isMeasured(reading: CurveReading): boolean {
  return reading.windSpeed !== null && !reading.windSpeedImputed && !reading.powerImputed;
}

/**
 * Tallies the measured readings (see `isMeasured`) by wind-speed bin, ordered by bin. Readings
 * with an imputed or missing field are skipped; no readings, or none measured, give [].
 */
export function tallyBins(readings: Iterable<CurveReading>, binWidth: number): BinTally[] {
  const byBin = new Map<number, BinTally>();
  for (const reading of readings) {
    if (!isMeasured(reading)) continue;
    const bin = windBin(reading.windSpeed!, binWidth);
    let tally = byBin.get(bin);
    if (tally === undefined) {
      tally = { bin, count: 0, sum: 0, sumSquares: 0 };
      byBin.set(bin, tally);
    }
    tally.count += 1;
    tally.sum += reading.power;
    tally.sumSquares += reading.power * reading.power;
  }
  return [...byBin.values()].sort((a, b) => a.bin - b.bin);
}

/** Adds tallies of the same bin width bin by bin (e.g. one list per day), ordered by bin. */
export function mergeTallies(lists: Iterable<readonly BinTally[]>): BinTally[] {
  const byBin = new Map<number, BinTally>();
  for (const list of lists) {
    for (const { bin, count, sum, sumSquares } of list) {
      const tally = byBin.get(bin);
      if (tally === undefined) byBin.set(bin, { bin, count, sum, sumSquares });
      else {
        tally.count += count;
        tally.sum += sum;
        tally.sumSquares += sumSquares;
      }
    }
  }
  return [...byBin.values()].sort((a, b) => a.bin - b.bin);
}
