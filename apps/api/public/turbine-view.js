// One turbine over time: readings, window means with their band, anomalies, and its windows.
import { allTurbines, ApiRequestError, getAll, getJson } from './api.js';
import { COLORS, explainedVariance, powerCurveChart, turbineChart } from './charts.js';
import {
  DAY_MS,
  card,
  chartWidth,
  compareTurbines,
  dateTime,
  day,
  energyBalance,
  h,
  int,
  num,
  parseIsoDay,
  percent,
  plural,
  ratio,
  signed,
  startOfUtcDay,
  turbineHref,
  turbineLabel,
  windowLabel,
} from './dom.js';

/** The chart's default span: a month, which at hourly readings is ~744 points per turbine. */
const DEFAULT_DAYS = 31;

/**
 * The period to show: the one in the address; else a month around `focus` (a window picked in
 * the fleet view); else the turbine's last month of data. Whole UTC days, `to` exclusive.
 */
function choosePeriod(turbine, route) {
  if (route.from && route.to) return { from: Date.parse(route.from), to: Date.parse(route.to) };
  const last = turbine.lastReadingAt ? Date.parse(turbine.lastReadingAt) : Date.now();
  const first = turbine.firstReadingAt ? Date.parse(turbine.firstReadingAt) : last;
  const end = startOfUtcDay(last) + DAY_MS;
  const start = startOfUtcDay(first);
  const focus = route.focus ? Date.parse(route.focus) : NaN;
  const to = Number.isNaN(focus) ? end : Math.min(end, Math.max(start + DEFAULT_DAYS * DAY_MS, startOfUtcDay(focus) + 16 * DAY_MS));
  return { from: Math.max(start, to - DEFAULT_DAYS * DAY_MS), to };
}

/** The turbine named in the address (`#/turbine/<name>`), else the first with readings, by name throughout. */
export async function loadTurbine(route) {
  const turbines = [...(await allTurbines(30_000))].sort(compareTurbines);
  const turbine =
    route.turbine === undefined
      ? (turbines.find((t) => t.readingCount > 0) ?? turbines[0])
      : turbines.find((t) => t.name === route.turbine);
  if (route.turbine === undefined && turbine === undefined) return { turbines, turbine: null };
  if (!turbine) throw new ApiRequestError(404, 'not_found', `turbine ${route.turbine} not found`);
  const period = choosePeriod(turbine, route);
  const range = { from: new Date(period.from).toISOString(), to: new Date(period.to).toISOString() };
  const path = `/turbines/${encodeURIComponent(turbine.name)}`;
  const [readings, stats, anomalies, windows, curve] = await Promise.all([
    getAll(`${path}/readings`, { ...range, limit: 10_000 }),
    getAll(`${path}/stats`, { ...range, limit: 1000 }),
    getAll('/anomalies', { turbine: turbine.name, ...range, limit: 1000 }),
    getAll('/windows', { ...range, limit: 1000 }),
    getJson('/power-curve', { ...range, turbine: turbine.name }),
  ]);
  return { turbines, turbine, period, readings, stats, anomalies, windows, curve, focus: route.focus ?? null };
}

/** Aligns readings with their window's mean and band, and marks imputed and anomalous readings. */
function chartData(data) {
  const windowMs = (data.stats[0]?.windowSeconds ?? data.windows[0]?.windowSeconds ?? 86_400) * 1000;
  const statByStart = new Map(data.stats.map((s) => [Date.parse(s.windowStart), s]));
  const sigmaByStart = new Map(data.windows.map((w) => [Date.parse(w.windowStart), w.sigma]));
  const fallbackSigma = data.anomalies[0]?.sigma ?? null;
  const anomalousTs = new Set(data.anomalies.filter((a) => a.kind === 'reading').map((a) => Date.parse(a.ts)));
  const out = { xs: [], power: [], imputed: [], mean: [], upper: [], lower: [], anomalous: [] };
  for (const r of data.readings) {
    const ts = Date.parse(r.ts);
    const start = Math.floor(ts / windowMs) * windowMs;
    const stat = statByStart.get(start);
    const k = sigmaByStart.get(start) ?? fallbackSigma;
    // The reading rule applies only where count >= 3 and stddev > 0; so does the band.
    const banded = stat && k !== null && stat.count >= 3 && stat.stddev !== null && stat.stddev > 0;
    out.xs.push(ts / 1000);
    out.power.push(r.power);
    out.imputed.push(r.powerImputed ? r.power : null);
    out.mean.push(stat ? stat.mean : null);
    out.upper.push(banded ? stat.mean + k * stat.stddev : null);
    out.lower.push(banded ? stat.mean - k * stat.stddev : null);
    out.anomalous.push(anomalousTs.has(ts) ? r.power : null);
  }
  return { ...out, windowMs, statByStart, sigmaByStart, fallbackSigma };
}

function periodForm(data) {
  const { turbine, turbines, period } = data;
  const select = h(
    'select',
    { id: 'turbine-select', 'aria-label': 'turbine' },
    turbines.map((t) => h('option', { value: t.name, selected: t.id === turbine.id }, `Turbine ${turbineLabel(t.name)}`)),
  );
  // Text boxes rather than type="date", whose face follows the browser's locale (03/05/2022 in
  // en-US): the page writes every date as ISO YYYY-MM-DD, and so do these.
  const dateInput = (name, value, label) =>
    h('input', {
      type: 'text',
      name,
      value,
      'aria-label': label,
      placeholder: 'YYYY-MM-DD',
      pattern: '\\d{4}-\\d{2}-\\d{2}',
      inputmode: 'numeric',
      maxlength: 10,
      autocomplete: 'off',
      title: 'a UTC day as YYYY-MM-DD',
    });
  const from = dateInput('from', day(period.from), 'from (YYYY-MM-DD)');
  const to = dateInput('to', day(period.to - DAY_MS), 'to, inclusive (YYYY-MM-DD)');
  for (const input of [from, to]) input.addEventListener('input', () => input.setCustomValidity(''));
  const go = (name) => {
    const f = parseIsoDay(from.value);
    const t = parseIsoDay(to.value);
    from.setCustomValidity(Number.isNaN(f) ? 'a day as YYYY-MM-DD, e.g. 2022-03-05' : '');
    to.setCustomValidity(Number.isNaN(t) ? 'a day as YYYY-MM-DD, e.g. 2022-03-05' : !Number.isNaN(f) && t < f ? 'not before from' : '');
    if (!from.reportValidity() || !to.reportValidity()) return;
    location.hash = turbineHref(name, { from: day(f), to: day(t + DAY_MS) });
  };
  select.addEventListener('change', () => go(select.value));
  const form = h(
    'form',
    { class: 'period', novalidate: true },
    select,
    h('label', {}, 'from ', from),
    h('label', {}, 'to ', to),
    h('button', { type: 'submit', class: 'button' }, 'show'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    go(turbine.name);
  });
  return form;
}

function windowsTable(data, cd) {
  const flags = new Map(data.anomalies.filter((a) => a.kind === 'turbine').map((a) => [Date.parse(a.windowStart), a]));
  const readingCounts = new Map();
  for (const a of data.anomalies) {
    if (a.kind !== 'reading') continue;
    const start = Date.parse(a.windowStart);
    readingCounts.set(start, (readingCounts.get(start) ?? 0) + 1);
  }
  const underperforming = new Map(data.anomalies.filter((a) => a.kind === 'underperformance').map((a) => [Date.parse(a.windowStart), a]));
  const head = [
    'Window (UTC)',
    'Coverage',
    'Imputed',
    'Min (MW)',
    'Max (MW)',
    'Mean (MW)',
    'σ (MW)',
    'Band mean ± kσ (MW)',
    'Anomalous readings',
    'Fleet rule',
    'Energy (MWh)',
    'Expected (MWh)',
    'Lost (MWh)',
    'Ratio',
    'Power curve',
  ];
  return h(
    'table',
    { id: 'windows-table', class: 'data' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        head.map((t) => h('th', { scope: 'col' }, t)),
      ),
    ),
    h(
      'tbody',
      {},
      data.stats.map((s) => {
        const start = Date.parse(s.windowStart);
        const flag = flags.get(start);
        const n = readingCounts.get(start) ?? 0;
        const k = cd.sigmaByStart.get(start) ?? cd.fallbackSigma;
        const banded = k !== null && s.count >= 3 && s.stddev !== null && s.stddev > 0;
        const under = underperforming.get(start);
        return h(
          'tr',
          {
            class: [
              flag ? 'flagged' : '',
              under ? 'underperforming' : '',
              n > 0 ? 'has-reading-anomalies' : '',
              data.focus === s.windowStart ? 'focus' : '',
            ]
              .filter(Boolean)
              .join(' '),
            dataset: {
              windowStart: s.windowStart,
              flagged: String(Boolean(flag)),
              underperforming: String(Boolean(under)),
              readingAnomalies: String(n),
              ratio: s.performanceRatio === null ? '' : String(s.performanceRatio),
              lost: String(s.lostEnergyMWh),
            },
          },
          h(
            'th',
            { scope: 'row' },
            h('a', { href: `#/fleet/${s.windowStart}`, title: 'the fleet in this window' }, windowLabel(s.windowStart, s.windowSeconds)),
          ),
          h('td', { class: 'num' }, `${s.count}/${s.expectedCount} (${percent(s.count, s.expectedCount)})`),
          h('td', { class: 'num' }, int(s.imputedCount)),
          h('td', { class: 'num' }, num(s.min)),
          h('td', { class: 'num' }, num(s.max)),
          h('td', { class: 'num strong' }, num(s.mean, 3)),
          h('td', { class: 'num' }, num(s.stddev, 3)),
          h('td', { class: 'num' }, banded ? `${num(s.mean - k * s.stddev)} … ${num(s.mean + k * s.stddev)}` : '—'),
          h('td', { class: 'num' }, n > 0 ? h('span', { class: 'badge warn' }, String(n)) : '0'),
          h(
            'td',
            {},
            flag
              ? h(
                  'span',
                  { class: 'badge danger', title: `fleet μ ${num(flag.mean, 3)}, σ ${num(flag.stddev, 3)}, k ${flag.sigma}` },
                  `outlier: ${signed(flag.deviation, 2)} from μ ${num(flag.mean, 2)}`,
                )
              : h('span', { class: 'muted' }, 'in band'),
          ),
          h('td', { class: 'num' }, num(s.energyMWh, 1)),
          h(
            'td',
            { class: 'num', title: `over the ${plural(s.readingsUsed, 'reading')} the curve could judge` },
            num(s.expectedEnergyMWh, 1),
          ),
          h('td', { class: 'num' }, s.readingsUsed > 0 ? num(s.lostEnergyMWh, 1) : '—'),
          h('td', { class: 'num strong' }, ratio(s.performanceRatio)),
          h('td', {}, curveVerdict(s, under)),
        );
      }),
    ),
  );
}

/** The power-curve rule's verdict on a window: underperforming, within the threshold, or why it was not judged. */
function curveVerdict(s, under) {
  if (under) {
    return h(
      'span',
      { class: 'badge underperforming', title: `${ratio(under.value)} of the expected energy, below 1 − ${under.threshold}` },
      `underperforming: ${num(under.lostEnergyMWh, 1)} MWh lost`,
    );
  }
  if (s.performanceJudged) return h('span', { class: 'muted' }, 'as expected');
  const why =
    s.performanceRatio === null
      ? 'no expected energy: no usable curve for its wind (first days, no wind speed, or wind outside the curve)'
      : s.readingsUsed * 2 < s.expectedCount
        ? `only ${int(s.readingsUsed)} of ${plural(s.expectedCount, 'expected reading')} could be judged`
        : 'a calm window: too little expected energy to judge';
  return h('span', { class: 'muted', title: why }, 'not judged');
}

function anomalousReadings(data) {
  const items = data.anomalies.filter((a) => a.kind === 'reading');
  if (items.length === 0) return h('p', { class: 'muted' }, 'No anomalous readings in this period.');
  return h(
    'table',
    { id: 'anomalous-readings', class: 'data compact' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Time (UTC)', 'Power (MW)', 'Window mean (MW)', 'Deviation (MW)', 'In σ'].map((t) => h('th', { scope: 'col' }, t)),
      ),
    ),
    h(
      'tbody',
      {},
      items.map((a) =>
        h(
          'tr',
          {},
          h('td', {}, dateTime(a.ts)),
          h('td', { class: 'num' }, num(a.value)),
          h('td', { class: 'num' }, num(a.mean, 3)),
          h('td', { class: 'num' }, signed(a.deviation, 3)),
          h('td', { class: 'num' }, a.stddev > 0 ? `${signed(a.deviation / a.stddev, 1)}σ` : '—'),
        ),
      ),
    ),
  );
}

function legendItem(cls, text) {
  return h('span', { class: 'legend-item' }, h('span', { class: `swatch ${cls}` }), text);
}

export function turbineView(data) {
  if (!data.turbine) return { node: h('section', {}, h('h1', {}, 'Turbine'), h('p', { class: 'empty' }, 'No turbines yet.')) };
  const { turbine, readings, stats, anomalies } = data;
  const cd = chartData(data);
  const flaggedWindows = anomalies.filter((a) => a.kind === 'turbine');
  const underperformingWindows = anomalies.filter((a) => a.kind === 'underperformance');
  const readingAnomalyCount = anomalies.filter((a) => a.kind === 'reading').length;
  const imputedCount = readings.filter((r) => r.powerImputed).length;
  const powers = readings.map((r) => r.power);
  const spans = flaggedWindows.map((a) => ({
    start: Date.parse(a.windowStart) / 1000,
    end: (Date.parse(a.windowStart) + cd.windowMs) / 1000,
    color: COLORS.flaggedWindow,
  }));
  for (const a of underperformingWindows) {
    spans.push({
      start: Date.parse(a.windowStart) / 1000,
      end: (Date.parse(a.windowStart) + cd.windowMs) / 1000,
      color: COLORS.underperformingWindow,
    });
  }
  if (data.focus)
    spans.push({ start: Date.parse(data.focus) / 1000, end: (Date.parse(data.focus) + cd.windowMs) / 1000, color: COLORS.focusWindow });
  // Windows whose band reaches below 0 MW: the chart draws their lower bound at 0.
  const clamped = stats.filter((s) => {
    const k = cd.sigmaByStart.get(Date.parse(s.windowStart)) ?? cd.fallbackSigma;
    return k !== null && s.count >= 3 && s.stddev !== null && s.stddev > 0 && s.mean - k * s.stddev < 0;
  }).length;
  const chartBox = h('div', {
    id: 'turbine-chart',
    class: 'chart',
    dataset: {
      bandClamped: String(clamped),
      turbineId: String(turbine.id),
      points: String(readings.length),
      anomalies: String(readingAnomalyCount),
      imputed: String(imputedCount),
    },
  });
  const expected = stats.reduce((a, s) => a + s.expectedCount, 0);
  const complete = stats.filter((s) => s.count >= s.expectedCount).length;
  const judged = stats.filter((s) => s.readingsUsed > 0);
  const lost = judged.reduce((a, s) => a + s.lostEnergyMWh, 0);
  const expectedEnergy = judged.reduce((a, s) => a + s.expectedEnergyMWh, 0);
  const curve = curveSection(data, underperformingWindows, cd.windowMs);

  const node = h(
    'section',
    { id: 'turbine-view', dataset: { turbineId: String(turbine.id), turbineName: turbine.name } },
    h(
      'div',
      { class: 'view-head' },
      h(
        'h1',
        {},
        `Turbine ${turbineLabel(turbine.name)} `,
        h('span', { class: 'subtle' }, `${day(data.period.from)} – ${day(data.period.to - DAY_MS)} UTC`),
      ),
      periodForm(data),
    ),
    h(
      'div',
      { class: 'cards' },
      card(
        'Readings',
        int(readings.length),
        `coverage ${percent(readings.length, expected)} of ${plural(expected, 'expected reading')} · ${int(imputedCount)} imputed`,
      ),
      card(
        'Power (MW)',
        powers.length ? `${num(Math.min(...powers))} … ${num(Math.max(...powers))}` : '—',
        powers.length ? `mean ${num(powers.reduce((a, b) => a + b, 0) / powers.length, 3)} MW` : '',
      ),
      card(
        'Windows',
        int(stats.length),
        `${int(complete)} complete (${percent(complete, stats.length)}), i.e. with every expected reading`,
      ),
      card(
        'Flagged by the fleet rule',
        flaggedWindows.length === 0 ? 'none' : plural(flaggedWindows.length, 'window'),
        flaggedWindows.map((a) => windowLabel(a.windowStart, a.windowSeconds)).join(', '),
        flaggedWindows.length ? 'danger' : '',
      ),
      card('Anomalous readings', int(readingAnomalyCount), 'outside their window’s mean ± kσ', readingAnomalyCount ? 'warn' : ''),
      card(
        'Underperforming',
        underperformingWindows.length === 0 ? 'none' : plural(underperformingWindows.length, 'window'),
        judged.length === 0
          ? 'no window judged by the power curve'
          : `${energyBalance(lost, expectedEnergy)} (${ratio(expectedEnergy > 0 ? 1 - lost / expectedEnergy : null)} delivered)`,
        underperformingWindows.length ? 'danger' : '',
      ),
    ),
    h(
      'p',
      { class: 'definitions muted' },
      h('strong', {}, 'Coverage'),
      ' = readings received ÷ readings expected (one per READING_INTERVAL_SECONDS). A ',
      h('strong', {}, 'complete'),
      ' window has every expected reading. Power in MW, energy in MWh.',
    ),
    h(
      'p',
      { class: 'legend-line' },
      legendItem('l-power', 'power'),
      legendItem('l-imputed', 'imputed reading'),
      legendItem('l-mean', 'window mean'),
      legendItem('l-band', 'mean ± kσ, never below 0 MW'),
      legendItem('l-anomaly', 'anomalous reading'),
      legendItem('l-flagged', 'window flagged by the fleet rule'),
      legendItem('l-underperforming', 'underperforming window (power curve)'),
      data.focus ? legendItem('l-focus', 'window picked in the fleet view') : null,
      h('span', { class: 'muted' }, ' · drag to zoom, double-click to reset'),
    ),
    readings.length === 0
      ? h('p', { class: 'empty' }, 'No readings in this period (RETAIN_READINGS_DAYS may have deleted them); its windows are listed below.')
      : chartBox,
    curve.node,
    h('h2', {}, 'Windows'),
    windowsTable(data, cd),
    h('h2', {}, 'Anomalous readings'),
    anomalousReadings(data),
  );

  let chart = null;
  return {
    node,
    mount(width) {
      curve.mount(width);
      if (readings.length === 0) return;
      chart = turbineChart(chartBox, cd, spans, chartWidth(width));
      chartBox.dataset.rendered = 'true';
    },
    resize() {
      chart?.setSize({ width: chartWidth(chartBox.parentElement.clientWidth), height: chart.height });
      curve.resize();
    },
    unmount() {
      chart?.destroy();
      curve.unmount();
    },
  };
}

/**
 * Wind speed against power for the period: the turbine's measured readings (those of
 * underperforming windows marked) under the fleet's curve ± σ. Says so plainly when there is no
 * usable curve, or when wind speed hardly explains power (the curve is then a poor yardstick).
 */
function curveSection(data, underperformingWindows, windowMs) {
  const { curve } = data;
  const flaggedStarts = new Set(underperformingWindows.map((a) => Date.parse(a.windowStart)));
  const measured = data.readings.filter((r) => r.windSpeed !== null && !r.windSpeedImputed && !r.powerImputed);
  const usable = curve.fleet.bins.filter((b) => b.usable);
  const explained = explainedVariance(curve.fleet.bins);
  const box = h('div', {
    id: 'power-curve-chart',
    class: 'chart',
    dataset: {
      readings: String(measured.length),
      usableBins: String(usable.length),
      flaggedReadings: String(measured.filter((r) => flaggedStarts.has(Math.floor(Date.parse(r.ts) / windowMs) * windowMs)).length),
    },
  });
  const own = curve.turbine;
  const summary =
    usable.length === 0
      ? null
      : h(
          'p',
          { class: 'legend-line' },
          legendItem('l-reading', 'reading (wind and power measured)'),
          legendItem('l-underperforming-dot', 'reading in an underperforming window'),
          legendItem('l-curve', `fleet curve over the period (${plural(usable.length, `usable ${curve.binWidth} m/s bin`)}) ± σ`),
          h(
            'span',
            { class: 'muted' },
            ` · rated ${num(curve.fleet.ratedPower)} MW · wind speed explains ${explained === null ? '—' : `${Math.round(explained * 100)}%`} of the power variance`,
          ),
        );
  const reason =
    measured.length === 0
      ? 'No usable power curve: none of these readings has a measured wind speed and power.'
      : usable.length === 0
        ? `No usable power curve for this period: no wind-speed bin of the fleet has ${plural(curve.minBinCount, 'measured reading')}.`
        : null;
  const weak =
    reason === null && explained !== null && explained < 0.5
      ? h(
          'p',
          { class: 'notice', id: 'weak-curve' },
          `Wind speed explains only ${Math.round(explained * 100)}% of the power variance here: these readings do not follow a power curve, so expected energies and underperformance verdicts say little.`,
        )
      : null;
  const node = h(
    'section',
    { id: 'power-curve' },
    h('h2', {}, 'Power curve'),
    reason ? h('p', { class: 'empty', id: 'no-curve' }, reason) : [summary, weak, box],
    own && own.bins.some((b) => b.usable)
      ? h('p', { class: 'muted' }, `This turbine alone: ${plural(own.readings, 'measured reading')}, rated ${num(own.ratedPower)} MW.`)
      : null,
  );
  let chart = null;
  return {
    node,
    mount(width) {
      if (reason) return;
      chart = powerCurveChart(
        box,
        {
          readings: measured.map((r) => ({
            v: r.windSpeed,
            p: r.power,
            flagged: flaggedStarts.has(Math.floor(Date.parse(r.ts) / windowMs) * windowMs),
          })),
          bins: usable.map((b) => ({ centre: b.centre, mean: b.mean, stddev: b.stddev })),
        },
        chartWidth(width),
      );
      box.dataset.rendered = 'true';
    },
    resize() {
      chart?.setSize({ width: chartWidth(box.parentElement.clientWidth), height: chart.height });
    },
    unmount() {
      chart?.destroy();
    },
  };
}
