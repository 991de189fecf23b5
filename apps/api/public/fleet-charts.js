// The fleet view's charts, a place per turbine (or a rank, when the fleet is too large to name).
// Data arrive as plain arrays; these functions only shape them.
import { clampAtZero, indexOfMax, noLine, restingLegend } from './chart-parts.js';
import { COLORS } from './charts.js';
import uPlot from './vendor/uplot/uPlot.esm.js';

/**
 * The frame of a chart with one point per turbine: the turbines at x = 1..n in the order given,
 * labelled with their names (a margin of one place each side), the value on y, no zooming. Names
 * longer than a number's few digits are slanted, so neighbours' names do not run into each other.
 * @param {number} width
 * @param {string} yLabel
 * @param {string[]} names
 * @returns {Omit<uPlot.Options, 'series'>}
 */
function perTurbineFrame(width, yLabel, names) {
  const label = (v) => (Number.isInteger(v) ? (names[v - 1] ?? '') : '');
  const longest = names.reduce((a, n) => Math.max(a, n.length), 0);
  // Whole places only: at the closer spacing uPlot would otherwise draw grid lines between turbines.
  const slanted =
    longest > 4 ? { rotate: 35, space: 24, incrs: [1, 2, 5, 10, 20, 50, 100], size: Math.min(140, 28 + Math.ceil(4.2 * longest)) } : {};
  return {
    width,
    height: 220 + (slanted.size ? slanted.size - 50 : 0),
    scales: { x: { time: false, range: (_u, min, max) => [min - 1, max + 1] }, y: { range: paddedRange() } },
    axes: [
      { label: 'turbine', ...slanted, values: (_u, splits) => splits.map(label) },
      { label: yLabel, size: 56 },
    ],
    cursor: { drag: { x: false, y: false } },
  };
}

/**
 * A y range of the values with a margin each side, so a dot on the lowest or highest value is
 * drawn whole rather than cut in half by the plot's edge; `withZero` stretches it to 0 (for bars,
 * which grow from 0).
 * @returns {uPlot.Range.Function}
 */
function paddedRange(withZero = false) {
  return (_u, min, max) => {
    const low = withZero ? Math.min(0, min) : min;
    const high = withZero ? Math.max(0, max) : max;
    const pad = (high - low) * 0.06 || 0.1;
    return [withZero && low === 0 ? 0 : low - pad, high + pad];
  };
}

/**
 * The frame of a chart of more turbines than names fit under it: the turbines at x = 1..n ranked by
 * their value, the rank on the axis (the legend names the turbine under the cursor).
 * @param {number} width
 * @param {string} yLabel
 * @param {string} xLabel
 * @returns {Omit<uPlot.Options, 'series'>}
 */
function rankFrame(width, yLabel, xLabel) {
  return {
    width,
    height: 260,
    scales: { x: { time: false, range: (_u, min, max) => [min - 1, max + 1] }, y: { range: paddedRange() } },
    axes: [
      {
        label: xLabel,
        incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000],
        values: (_u, splits) => splits.map((v) => (Number.isInteger(v) && v > 0 ? String(v) : '')),
      },
      { label: yLabel, size: 56 },
    ],
    cursor: { drag: { x: false, y: false } },
  };
}

/** x positions 1..n for the turbines of a per-turbine chart. */
const places = (names) => names.map((_, i) => i + 1);

/**
 * Above this many turbines a chart with a place per turbine can no longer name them: the fleet
 * chart ranks the turbines by their mean instead, the lost-energy chart shows the worst few.
 */
export const PER_TURBINE_MAX = 100;

/**
 * The fleet in one window: each turbine's window mean as a dot (flagged turbines red and larger)
 * against the fleet mean μ and the μ ± k·σ band (its lower bound clamped at 0 MW). Up to
 * PER_TURBINE_MAX turbines one place each, in the order given and named on the axis; more are
 * ranked by their mean (`data-mode` `ranked`), a distribution whose tails are the outliers. The
 * legend shows the turbine farthest from μ until the cursor picks another.
 * `data` = { names, means, flagged, mu, upper, lower }.
 */
export function fleetChart(target, data, width) {
  const n = data.names.length;
  const ranked = n > PER_TURBINE_MAX;
  const order = data.names.map((_, i) => i);
  if (ranked) order.sort((a, b) => data.means[a] - data.means[b] || a - b);
  const names = order.map((i) => data.names[i]);
  const means = order.map((i) => data.means[i]);
  const isFlagged = order.map((i) => data.flagged[i]);
  const constant = (v) => names.map(() => v);
  const line = (label, stroke, dash) => ({ label, stroke, width: 1, dash, points: { show: false } });
  const worst = data.mu === null ? null : indexOfMax(means, (m) => Math.abs(m - data.mu));
  target.dataset.mode = ranked ? 'ranked' : 'per-turbine';
  /** @type {uPlot.Options} */
  const opts = {
    ...(ranked
      ? rankFrame(width, 'window mean (MW)', `${n} turbines ranked by window mean`)
      : perTurbineFrame(width, 'window mean (MW)', names)),
    series: [
      { label: 'turbine', value: (_u, v) => (ranked ? `${names[v - 1] ?? ''} (rank ${v} of ${n})` : (names[v - 1] ?? '')) },
      {
        label: 'turbine mean',
        stroke: COLORS.power,
        paths: noLine,
        points: { show: true, size: ranked ? 5 : 8, space: 0, width: 1, stroke: COLORS.power, fill: COLORS.power },
      },
      {
        label: 'flagged by the fleet rule',
        stroke: COLORS.anomaly,
        paths: noLine,
        // Ranked, the flagged dots sit side by side: no dark outline, or the outlines hide the red.
        points: {
          show: true,
          size: ranked ? 7 : 12,
          space: 0,
          width: ranked ? 0 : 2,
          stroke: ranked ? COLORS.anomaly : '#7f1d1d',
          fill: COLORS.anomaly,
        },
      },
      line('fleet mean μ', COLORS.fleet, [2, 3]),
      line('μ + kσ', COLORS.band, [5, 4]),
      line('μ − kσ (≥ 0)', COLORS.band, [5, 4]),
    ],
    bands: [{ series: /** @type {[number, number]} */ ([4, 5]), fill: COLORS.bandFill }],
    hooks: restingLegend(() => worst),
  };
  const plain = means.map((m, i) => (isFlagged[i] ? null : m));
  const flagged = means.map((m, i) => (isFlagged[i] ? m : null));
  return new uPlot(
    opts,
    [places(names), plain, flagged, constant(data.mu), constant(data.upper), constant(clampAtZero(data.lower))],
    target,
  );
}

/**
 * Lost energy per turbine in one window (expected − actual, MWh; negative when a turbine beat the
 * curve), as bars: turbines flagged underperforming in their own colour; the legend shows the
 * largest loss until the cursor picks another. `data` = { names, lost, flagged }, at most
 * PER_TURBINE_MAX turbines (the caller picks the worst of a larger fleet).
 */
export function lostEnergyChart(target, data, width) {
  const bars = uPlot.paths.bars({ size: [0.6, 24] });
  const frame = perTurbineFrame(width, 'lost (MWh)', data.names);
  /** @type {uPlot.Options} */
  const opts = {
    ...frame,
    // Bars grow from 0, whatever the losses: the worst 30 of a fleet are all large.
    scales: { ...frame.scales, y: { range: paddedRange(true) } },
    series: [
      { label: 'turbine', value: (_u, v) => data.names[v - 1] ?? '' },
      { label: 'lost energy (MWh)', stroke: COLORS.lost, fill: 'rgba(100, 116, 139, 0.45)', paths: bars, points: { show: false } },
      {
        label: 'underperforming',
        stroke: COLORS.underperforming,
        fill: 'rgba(192, 38, 211, 0.7)',
        paths: bars,
        points: { show: false },
      },
    ],
    hooks: restingLegend(() => indexOfMax(data.lost, (v) => v)),
  };
  const plain = data.lost.map((v, i) => (data.flagged[i] ? null : v));
  const flagged = data.lost.map((v, i) => (data.flagged[i] ? v : null));
  return new uPlot(opts, [places(data.names), plain, flagged], target);
}
