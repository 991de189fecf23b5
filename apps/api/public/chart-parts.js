// Parts the charts share: a time axis labelled like the tables, a legend that shows values at rest,
// and hooks put together. No uPlot import: these only shape options.

const DAY_SECONDS = 86_400;

/** `paths` of a series drawn as points only. */
export const noLine = () => null;

/** A band's lower bound as drawn: power is never below 0 MW, so neither is the band (null stays null). */
export function clampAtZero(value) {
  return value === null || value === undefined ? value : Math.max(0, value);
}

/**
 * Tick labels for epoch-second `splits` `incr` seconds apart, in ISO UTC as the tables write them:
 * `2022-03-05` for ticks a day or more apart; otherwise 24-hour `14:00` (`14:00:30` below a minute),
 * with the day on a second line under the first tick and under each tick that starts a new day.
 * A missing split (uPlot may filter some) gets an empty label.
 */
export function isoTimeLabels(splits, incr) {
  let shownDay = null;
  return splits.map((s) => {
    if (s === null || s === undefined || !Number.isFinite(s)) return '';
    const iso = new Date(s * 1000).toISOString();
    const date = iso.slice(0, 10);
    if (incr >= DAY_SECONDS) return date;
    const time = iso.slice(11, incr < 60 ? 19 : 16);
    const label = date === shownDay ? time : `${time}\n${date}`;
    shownDay = date;
    return label;
  });
}

/** Width in CSS pixels of the widest line of `text` in the font uPlot gave axis `axisIdx`. */
function labelWidth(u, axisIdx, text) {
  const { ctx } = u;
  ctx.save();
  ctx.font = u.axes[axisIdx].font[0];
  const width = Math.max(
    ...String(text)
      .split('\n')
      .map((line) => ctx.measureText(line).width),
  );
  ctx.restore();
  return width / devicePixelRatio;
}

/**
 * The x axis of a time chart with `isoTimeLabels`, ticks spaced by the width of a date so that no
 * two labels meet. After each draw `target` records what the axis shows: `data-x-ticks` (the labels,
 * JSON), `data-x-tick-gap-px` (the closest two ticks) and `data-x-tick-width-px` (the widest label),
 * so a test can read the labels a canvas hides. Returns the axis and the hook that records.
 * @param {HTMLElement} target
 * @returns {{ axis: uPlot.Axis, draw: (u: uPlot) => void }}
 */
export function isoTimeAxis(target) {
  let shown = { splits: [], labels: [] };
  return {
    axis: {
      space: (u) => Math.ceil(labelWidth(u, 0, '0000-00-00')) + 16,
      values: (_u, splits, _axisIdx, _space, incr) => {
        const labels = isoTimeLabels(splits, incr);
        shown = { splits, labels };
        return labels;
      },
    },
    draw(u) {
      const xs = shown.splits.map((s) => u.valToPos(s, 'x'));
      const gaps = xs.slice(1).map((x, i) => x - xs[i]);
      target.dataset.xTicks = JSON.stringify(shown.labels);
      target.dataset.xTickGapPx = gaps.length ? String(Math.round(Math.min(...gaps))) : '';
      target.dataset.xTickWidthPx = String(Math.ceil(Math.max(0, ...shown.labels.map((l) => labelWidth(u, 0, l)))));
    },
  };
}

/**
 * Hooks that keep the legend showing the values at data index `idx()` whenever the cursor is not
 * on the plot (uPlot's own legend is blank until hovered): on first draw and each time the
 * cursor leaves. `idx()` returning null leaves uPlot's blank legend.
 * @param {() => number | null} idx
 * @returns {uPlot.Hooks.Arrays}
 */
export function restingLegend(idx) {
  const rest = (u) => {
    const i = idx();
    if (i !== null && (u.cursor.idx === null || u.cursor.idx === undefined)) u.setLegend({ idx: i });
  };
  return { ready: [rest], setCursor: [rest] };
}

/** Hook sets joined: each event's functions in the order given. */
export function joinHooks(...sets) {
  /** @type {Record<string, Function[]>} */
  const out = {};
  for (const set of sets) for (const [event, fns] of Object.entries(set ?? {})) out[event] = [...(out[event] ?? []), ...fns];
  return out;
}

/** The index of the largest `score(value, i)` (ties: the first); null when every score is null. */
export function indexOfMax(values, score) {
  let best = null;
  let bestScore = -Infinity;
  values.forEach((v, i) => {
    const s = score(v, i);
    if (s !== null && s !== undefined && !Number.isNaN(s) && s > bestScore) {
      best = i;
      bestScore = s;
    }
  });
  return best;
}
