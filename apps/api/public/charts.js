// uPlot charts of the turbine view (fleet-charts.js has the fleet view's). Data arrive as plain
// arrays; these functions only shape them.
import { clampAtZero, indexOfMax, isoTimeAxis, joinHooks, noLine, restingLegend } from './chart-parts.js';
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
 * steps with their mean ± k·σ band (its lower bound clamped at 0 MW), anomalous readings as red
 * dots; fleet-flagged windows shaded. The time axis reads in ISO UTC; the legend shows the last
 * reading until the cursor picks another. `data` = { xs, power, imputed, mean, upper, lower,
 * anomalous } (seconds, arrays aligned on xs); `spans` = windows to shade. After each draw `target`
 * records the lowest band value drawn (`data-band-min`) and the y axis' minimum (`data-y-min`).
 */
export function turbineChart(target, data, spans, width) {
  const lower = data.lower.map(clampAtZero);
  const [xs, cols] = breakGaps(data.xs, [data.power, data.imputed, data.mean, data.upper, lower, data.anomalous]);
  const drawnLower = lower.filter((v) => v !== null);
  target.dataset.bandMin = drawnLower.length ? String(Math.min(...drawnLower)) : '';
  const time = isoTimeAxis(target);
  const last = indexOfMax(cols[0], (v, i) => (v === null ? null : i));
  /** @type {uPlot.Options} */
  const opts = {
    width,
    height: 380,
    tzDate: utc,
    cursor: { drag: { x: true, y: false } },
    scales: { y: { range: (_u, min, max) => [Math.min(0, min), Math.max(1, max * 1.05)] } },
    axes: [time.axis, { label: 'power (MW)', size: 56 }],
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
        label: 'mean − kσ (≥ 0)',
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
    hooks: joinHooks(
      {
        drawClear: [shadeSpans(spans)],
        draw: [
          time.draw,
          (u) => {
            target.dataset.yMin = String(u.scales.y.min);
          },
        ],
      },
      restingLegend(() => last),
    ),
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
    // At rest the legend shows the curve's last usable bin.
    hooks: restingLegend(() => indexOfMax(points, (pt, i) => (pt.kind === 3 ? i : null))),
  };
  const curve = (pt) => pt.y;
  const upper = (pt) => (pt.sd === null ? pt.y : pt.y + pt.sd);
  const lower = (pt) => (pt.sd === null ? pt.y : pt.y - pt.sd);
  return new uPlot(opts, [xs, column(1, curve), column(2, curve), column(3, curve), column(3, upper), column(3, lower)], target);
}
