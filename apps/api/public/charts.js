// uPlot charts of the two views. Data arrive as plain arrays; these functions only shape them.
import uPlot from './vendor/uplot/uPlot.esm.js';

export const COLORS = {
  power: '#2563eb',
  imputed: '#d97706',
  mean: '#0f766e',
  band: 'rgba(15, 118, 110, 0.55)',
  bandFill: 'rgba(15, 118, 110, 0.10)',
  anomaly: '#dc2626',
  flaggedWindow: 'rgba(220, 38, 38, 0.09)',
  focusWindow: 'rgba(37, 99, 235, 0.10)',
  fleet: '#475569',
  underperforming: '#c026d3',
  underperformingWindow: 'rgba(192, 38, 211, 0.10)',
  curve: '#0f172a',
  curveBand: 'rgba(15, 23, 42, 0.45)',
  curveFill: 'rgba(15, 23, 42, 0.07)',
  lost: '#64748b',
};

/**
 * Share of the power variance the fleet curve's bins explain (between-bin over total variance,
 * from their counts, means and σ): near 1 when wind speed decides power, near 0 when it does not.
 */
export function explainedVariance(bins) {
  const n = bins.reduce((a, b) => a + b.count, 0);
  if (n < 2) return null;
  const mean = bins.reduce((a, b) => a + b.count * b.mean, 0) / n;
  const between = bins.reduce((a, b) => a + b.count * (b.mean - mean) ** 2, 0);
  const within = bins.reduce((a, b) => a + (b.count - 1) * (b.stddev ?? 0) ** 2, 0);
  return between + within > 0 ? between / (between + within) : null;
}

const utc = (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC');
const noLine = () => null;

/**
 * Inserts an all-null point into gaps longer than twice the usual spacing, so lines break where
 * readings are missing instead of drawing a straight line over the hole.
 */
export function breakGaps(xs, columns) {
  if (xs.length < 3) return [xs, columns];
  const deltas = xs
    .slice(1)
    .map((x, i) => x - xs[i])
    .sort((a, b) => a - b);
  const step = deltas[Math.floor(deltas.length / 2)];
  const outX = [];
  const outCols = columns.map(() => []);
  for (let i = 0; i < xs.length; i += 1) {
    if (i > 0 && xs[i] - xs[i - 1] > 2 * step) {
      outX.push(xs[i - 1] + step);
      for (const col of outCols) col.push(null);
    }
    outX.push(xs[i]);
    columns.forEach((col, c) => outCols[c].push(col[i]));
  }
  return [outX, outCols];
}

/** Shades [start, end) spans (epoch seconds) behind the series. */
function shadeSpans(spans) {
  return (u) => {
    const { ctx } = u;
    const { top, height } = u.bbox;
    ctx.save();
    for (const span of spans) {
      const x0 = u.valToPos(span.start, 'x', true);
      const x1 = u.valToPos(span.end, 'x', true);
      ctx.fillStyle = span.color;
      ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
    }
    ctx.restore();
  };
}

/**
 * One turbine over time: power as a line, imputed readings as hollow squares, the window means as
 * steps with their mean ± k·σ band, anomalous readings as red dots; fleet-flagged windows shaded.
 * `data` = { xs, power, imputed, mean, upper, lower, anomalous } (seconds, arrays aligned on xs);
 * `spans` = windows to shade.
 */
export function turbineChart(target, data, spans, width) {
  const [xs, cols] = breakGaps(data.xs, [data.power, data.imputed, data.mean, data.upper, data.lower, data.anomalous]);
  /** @type {uPlot.Options} */
  const opts = {
    width,
    height: 380,
    tzDate: utc,
    cursor: { drag: { x: true, y: false } },
    scales: { y: { range: (_u, min, max) => [Math.min(0, min), Math.max(1, max * 1.05)] } },
    axes: [{}, { label: 'power (MW)', size: 56 }],
    series: [
      { value: '{YYYY}-{MM}-{DD} {HH}:{mm} UTC' },
      { label: 'power', stroke: COLORS.power, width: 1.25, points: { show: false } },
      // Squares rather than uPlot's circles, so imputed readings differ in shape as well as colour.
      { label: 'imputed', stroke: COLORS.imputed, paths: noLine, points: { show: drawSquares, size: 7 } },
      { label: 'window mean', stroke: COLORS.mean, width: 2, paths: uPlot.paths.stepped({ align: 1 }), points: { show: false } },
      {
        label: 'mean + kσ',
        stroke: COLORS.band,
        width: 1,
        dash: [5, 4],
        paths: uPlot.paths.stepped({ align: 1 }),
        points: { show: false },
      },
      {
        label: 'mean − kσ',
        stroke: COLORS.band,
        width: 1,
        dash: [5, 4],
        paths: uPlot.paths.stepped({ align: 1 }),
        points: { show: false },
      },
      {
        label: 'anomalous reading',
        stroke: COLORS.anomaly,
        paths: noLine,
        points: { show: true, size: 9, width: 1, space: 0, stroke: '#7f1d1d', fill: COLORS.anomaly },
      },
    ],
    bands: [{ series: /** @type {[number, number]} */ ([4, 5]), fill: COLORS.bandFill }],
    hooks: { drawClear: [shadeSpans(spans)] },
  };
  return new uPlot(opts, [xs, ...cols], target);
}

/** points.show callback: draws the series' non-null values as hollow squares. */
function drawSquares(u, seriesIdx, i0, i1) {
  const { ctx } = u;
  const s = u.series[seriesIdx];
  const size = s.points.size * devicePixelRatio;
  const xs = u.data[0];
  const ys = u.data[seriesIdx];
  ctx.save();
  ctx.lineWidth = 1.5 * devicePixelRatio;
  ctx.strokeStyle = COLORS.imputed;
  ctx.fillStyle = '#fff';
  for (let i = i0; i <= i1; i += 1) {
    if (ys[i] === null || ys[i] === undefined) continue;
    const x = u.valToPos(xs[i], 'x', true);
    const y = u.valToPos(ys[i], 'y', true);
    ctx.fillRect(x - size / 2, y - size / 2, size, size);
    ctx.strokeRect(x - size / 2, y - size / 2, size, size);
  }
  ctx.restore();
  return false;
}

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
    scales: { x: { time: false, range: (_u, min, max) => [min - 1, max + 1] } },
    axes: [
      { label: 'turbine', ...slanted, values: (_u, splits) => splits.map(label) },
      { label: yLabel, size: 56 },
    ],
    cursor: { drag: { x: false, y: false } },
  };
}

/** x positions 1..n for the turbines of a per-turbine chart. */
const places = (names) => names.map((_, i) => i + 1);

/**
 * The fleet in one window: each turbine's window mean as a dot (flagged turbines red and larger)
 * against the fleet mean μ and the μ ± k·σ band. `data` = { names, means, flagged, mu, upper, lower }
 * (turbine names, in the order to draw them).
 */
export function fleetChart(target, data, width) {
  const constant = (v) => data.names.map(() => v);
  const line = (label, stroke, dash) => ({ label, stroke, width: 1, dash, points: { show: false } });
  /** @type {uPlot.Options} */
  const opts = {
    ...perTurbineFrame(width, 'window mean (MW)', data.names),
    series: [
      { label: 'turbine', value: (_u, v) => data.names[v - 1] ?? '' },
      {
        label: 'turbine mean',
        stroke: COLORS.power,
        paths: noLine,
        points: { show: true, size: 8, space: 0, width: 1, stroke: COLORS.power, fill: COLORS.power },
      },
      {
        label: 'flagged by the fleet rule',
        stroke: COLORS.anomaly,
        paths: noLine,
        points: { show: true, size: 12, space: 0, width: 2, stroke: '#7f1d1d', fill: COLORS.anomaly },
      },
      line('fleet mean μ', COLORS.fleet, [2, 3]),
      line('μ + kσ', COLORS.band, [5, 4]),
      line('μ − kσ', COLORS.band, [5, 4]),
    ],
    bands: [{ series: /** @type {[number, number]} */ ([4, 5]), fill: COLORS.bandFill }],
  };
  const plain = data.means.map((m, i) => (data.flagged[i] ? null : m));
  const flagged = data.means.map((m, i) => (data.flagged[i] ? m : null));
  return new uPlot(opts, [places(data.names), plain, flagged, constant(data.mu), constant(data.upper), constant(data.lower)], target);
}

/**
 * Wind speed against power: the period's readings as dots (those of windows flagged
 * underperforming in their own colour) under the fleet's power curve, its usable bin means as a
 * line with mean ± σ. `data` = { readings: [{ v, p, flagged }], bins: [{ centre, mean, stddev }] }
 * (usable bins only). uPlot needs ascending x, so readings and bin centres share one sorted axis and
 * each series is null where it has no point (the curve's lines span those gaps).
 */
export function powerCurveChart(target, data, width) {
  const points = [
    ...data.readings.map((r) => ({ x: r.v, kind: r.flagged ? 2 : 1, y: r.p })),
    ...data.bins.map((b) => ({ x: b.centre, kind: 3, y: b.mean, sd: b.stddev })),
  ].sort((a, b) => a.x - b.x || a.kind - b.kind);
  const xs = points.map((pt) => pt.x);
  const column = (kind, value) => points.map((pt) => (pt.kind === kind ? value(pt) : null));
  const dots = (label, stroke, size) => ({
    label,
    stroke,
    paths: noLine,
    points: { show: true, size, space: 0, width: 0, fill: stroke },
  });
  const curveLine = (label, dash) => ({ label, stroke: COLORS.curveBand, width: 1, dash, spanGaps: true, points: { show: false } });
  /** @type {uPlot.Options} */
  const opts = {
    width,
    height: 340,
    scales: { x: { time: false }, y: { range: (_u, min, max) => [Math.min(0, min), Math.max(1, max * 1.05)] } },
    axes: [{ label: 'wind speed (m/s)' }, { label: 'power (MW)', size: 56 }],
    cursor: { drag: { x: true, y: false } },
    series: [
      { label: 'wind speed (m/s)' },
      dots('reading', 'rgba(37, 99, 235, 0.55)', 4),
      dots('reading in an underperforming window', COLORS.underperforming, 6),
      {
        label: 'fleet curve (bin mean)',
        stroke: COLORS.curve,
        width: 2,
        spanGaps: true,
        points: { show: true, size: 5, fill: COLORS.curve },
      },
      curveLine('mean + σ', [5, 4]),
      curveLine('mean − σ', [5, 4]),
    ],
    bands: [{ series: /** @type {[number, number]} */ ([4, 5]), fill: COLORS.curveFill }],
  };
  const curve = (pt) => pt.y;
  const upper = (pt) => (pt.sd === null ? pt.y : pt.y + pt.sd);
  const lower = (pt) => (pt.sd === null ? pt.y : pt.y - pt.sd);
  return new uPlot(opts, [xs, column(1, curve), column(2, curve), column(3, curve), column(3, upper), column(3, lower)], target);
}

/**
 * Lost energy per turbine in one window (expected − actual, MWh; negative when a turbine beat the
 * curve), as bars: turbines flagged underperforming in their own colour.
 * `data` = { names, lost, flagged }.
 */
export function lostEnergyChart(target, data, width) {
  const bars = uPlot.paths.bars({ size: [0.6, 24] });
  /** @type {uPlot.Options} */
  const opts = {
    ...perTurbineFrame(width, 'lost (MWh)', data.names),
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
  };
  const plain = data.lost.map((v, i) => (data.flagged[i] ? null : v));
  const flagged = data.lost.map((v, i) => (data.flagged[i] ? v : null));
  return new uPlot(opts, [places(data.names), plain, flagged], target);
}
