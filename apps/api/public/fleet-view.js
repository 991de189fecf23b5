// The fleet in one window: a row per turbine, the fleet rule's outliers standing out, and the ledger.
import { allTurbines, cached, getAll, getJson } from './api.js';
import { explainedVariance, fleetChart, lostEnergyChart } from './charts.js';
import {
  card,
  chartWidth,
  compareTurbines,
  energyBalance,
  h,
  int,
  num,
  percent,
  ratio,
  signed,
  turbineHref,
  turbineLabel,
  weekday,
  windowLabel,
} from './dom.js';
import { ledgerSection } from './ledger.js';

const LEDGER_PAGE = 15;
/** Lists that change slowly are reused this long while the operator moves between windows. */
const LIST_MAX_AGE_MS = 30_000;

/**
 * Loads what the view needs; throws StatsRunningError while a stats run holds the lock. A window
 * named in the address is read in the same round trip as the window list (`to` = start + 1 ms
 * selects exactly that window_start); otherwise the latest window is read once the list is in.
 */
export async function loadFleet(route) {
  const wanted = route.windowStart ? Date.parse(route.windowStart) : NaN;
  const readWindow = (start, windowSeconds) => {
    const iso = new Date(start).toISOString();
    const to = new Date(start + 1).toISOString();
    return Promise.all([
      getAll('/stats', { window_start: iso, limit: 1000 }),
      getAll('/anomalies', { from: iso, to, limit: 1000 }),
      // The fleet's curve within the window: how much wind speed explains of its power.
      windowSeconds ? getJson('/power-curve', { from: iso, to: new Date(start + windowSeconds * 1000).toISOString() }) : null,
    ]);
  };
  const early = Number.isNaN(wanted) ? null : readWindow(wanted, null);
  const [windows, turbines, files, named] = await Promise.all([
    cached('windows', LIST_MAX_AGE_MS, () => getAll('/windows', { limit: 1000 })),
    allTurbines(LIST_MAX_AGE_MS),
    cached('files', LIST_MAX_AGE_MS, () => getJson('/files', { limit: LEDGER_PAGE })),
    early,
  ]);
  const base = { windows, turbines, files };
  if (windows.length === 0) return { ...base, current: null };
  const asked = windows.find((w) => Date.parse(w.windowStart) === wanted);
  // The window asked for, or the latest one with statistics.
  const current = asked ?? windows.at(-1);
  const [stats, anomalies, windowCurve] = asked && named ? named : await readWindow(Date.parse(current.windowStart), current.windowSeconds);
  const curve =
    windowCurve ??
    (await getJson('/power-curve', {
      from: current.windowStart,
      to: new Date(Date.parse(current.windowStart) + current.windowSeconds * 1000).toISOString(),
    }));
  return { ...base, current, stats, anomalies, curve, missing: !Number.isNaN(wanted) && !asked };
}

/** One row per known turbine, joined with its statistics and anomalies in the window, in the page's turbine order. */
function fleetRows(data) {
  const statsById = new Map(data.stats.map((s) => [s.turbineId, s]));
  const flaggedById = new Map();
  const underById = new Map();
  const readingAnomalies = new Map();
  for (const a of data.anomalies) {
    if (a.kind === 'turbine') flaggedById.set(a.turbineId, a);
    else if (a.kind === 'underperformance') underById.set(a.turbineId, a);
    else readingAnomalies.set(a.turbineId, (readingAnomalies.get(a.turbineId) ?? 0) + 1);
  }
  // A turbine first loaded after the turbine list was read still has its name on its statistics.
  const names = new Map(data.stats.map((s) => [s.turbineId, s.turbineName]));
  for (const t of data.turbines) names.set(t.id, t.name);
  return [...names]
    .map(([id, name]) => ({
      id,
      name,
      stat: statsById.get(id) ?? null,
      flag: flaggedById.get(id) ?? null,
      under: underById.get(id) ?? null,
      readingAnomalies: readingAnomalies.get(id) ?? 0,
    }))
    .sort(compareTurbines);
}

/** A link to a turbine's view around the window shown, under the turbine's label. */
function turbineLink(row, current, attrs = {}) {
  return h('a', { href: turbineHref(row.name, { focus: current.windowStart }), ...attrs }, turbineLabel(row.name));
}

/**
 * The fleet rule's band for the window, as the server computed it (GET /windows carries μ, σ and
 * whether the rule applies): the page draws the rule, it does not re-derive it.
 */
function fleetBand(current) {
  const k = current.sigma;
  return { mu: current.fleetMean, sd: current.fleetStddev, k, usable: current.fleetRuleApplies && k !== null };
}

function windowStrip(windows, current) {
  const strip = h(
    'div',
    { class: 'window-strip', role: 'list', 'aria-label': 'windows' },
    windows.map((w) => {
      const kind = w.turbineAnomalies > 0 ? 'w-flagged' : w.readingAnomalies > 0 ? 'w-readings' : 'w-clean';
      const isCurrent = w.windowStart === current.windowStart;
      const label = windowLabel(w.windowStart, w.windowSeconds);
      return h(
        'a',
        {
          class: `window-cell ${kind}${isCurrent ? ' w-current' : ''}`,
          href: `#/fleet/${w.windowStart}`,
          role: 'listitem',
          'aria-current': isCurrent ? 'true' : false,
          title: `${label}: ${w.turbineCount} turbines, ${w.turbineAnomalies} flagged by the fleet rule, ${w.underperformanceAnomalies} underperforming, ${w.readingAnomalies} anomalous readings, coverage ${percent(w.readingCount, w.expectedCount)}`,
          dataset: { windowStart: w.windowStart, turbineAnomalies: String(w.turbineAnomalies) },
        },
        w.windowSeconds === 86_400 ? label.slice(8, 10) : label.slice(11, 16),
      );
    }),
  );
  return strip;
}

function coverageCell(stat) {
  if (!stat) return h('td', { class: 'coverage' }, h('span', { class: 'muted' }, 'no data'));
  const ratio = stat.expectedCount > 0 ? Math.min(1, stat.count / stat.expectedCount) : 0;
  return h(
    'td',
    { class: `coverage${ratio < 0.9 ? ' low' : ''}`, title: `${stat.count} of ${stat.expectedCount} expected readings` },
    h('span', { class: 'bar' }, h('span', { class: 'fill', style: { width: `${(ratio * 100).toFixed(1)}%` } })),
    h('span', { class: 'bar-label' }, `${stat.count}/${stat.expectedCount}`),
  );
}

function fleetTable(rows, band, current) {
  const head = [
    'Turbine',
    'Coverage',
    'Imputed',
    'Min (MW)',
    'Max (MW)',
    'Mean (MW)',
    'σ (MW)',
    'Mean − μ (MW)',
    'Anomalous readings',
    'Fleet rule',
    'Energy (MWh)',
    'Lost (MWh)',
    'Ratio',
    'Power curve',
  ];
  return h(
    'table',
    { id: 'fleet-table', class: 'data' },
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
      rows.map((r) => {
        const z = r.stat && band.usable ? (r.stat.mean - band.mu) / band.sd : null;
        const classes = [
          r.flag ? 'flagged' : '',
          r.under ? 'underperforming' : '',
          r.readingAnomalies > 0 ? 'has-reading-anomalies' : '',
          r.stat ? '' : 'no-data',
        ].filter(Boolean);
        return h(
          'tr',
          {
            class: classes.join(' '),
            dataset: {
              turbineId: String(r.id),
              turbineName: r.name,
              flagged: String(Boolean(r.flag)),
              underperforming: String(Boolean(r.under)),
              readingAnomalies: String(r.readingAnomalies),
              lost: r.stat ? String(r.stat.lostEnergyMWh) : '',
            },
          },
          h('th', { scope: 'row' }, turbineLink(r, current, { title: `Turbine ${turbineLabel(r.name)} over time` })),
          coverageCell(r.stat),
          h('td', { class: 'num' }, r.stat ? int(r.stat.imputedCount) : '—'),
          h('td', { class: 'num' }, num(r.stat?.min)),
          h('td', { class: 'num' }, num(r.stat?.max)),
          h('td', { class: 'num strong' }, num(r.stat?.mean, 3)),
          h('td', { class: 'num' }, num(r.stat?.stddev, 3)),
          h(
            'td',
            { class: 'num', title: z === null ? '' : `${signed(z)} σ from the fleet mean` },
            r.stat && band.mu !== null ? `${signed(r.stat.mean - band.mu, 3)}${z === null ? '' : ` (${signed(z, 1)}σ)`}` : '—',
          ),
          h('td', { class: 'num' }, r.readingAnomalies > 0 ? h('span', { class: 'badge warn' }, String(r.readingAnomalies)) : '0'),
          h(
            'td',
            {},
            r.flag
              ? h(
                  'span',
                  {
                    class: 'badge danger',
                    title: `window mean ${num(r.flag.value, 3)} outside μ ± ${r.flag.sigma}σ = ${num(r.flag.mean, 3)} ± ${num(r.flag.sigma * r.flag.stddev, 3)}`,
                  },
                  'outlier',
                )
              : r.stat
                ? h('span', { class: 'muted' }, 'in band')
                : '',
          ),
          h('td', { class: 'num' }, r.stat ? num(r.stat.energyMWh, 1) : '—'),
          h(
            'td',
            { class: 'num', title: r.stat ? `expected ${num(r.stat.expectedEnergyMWh, 1)} MWh over ${r.stat.readingsUsed} readings` : '' },
            r.stat && r.stat.readingsUsed > 0 ? num(r.stat.lostEnergyMWh, 1) : '—',
          ),
          h('td', { class: 'num strong' }, ratio(r.stat?.performanceRatio)),
          h(
            'td',
            {},
            r.under
              ? h(
                  'span',
                  { class: 'badge underperforming', title: `below 1 − ${r.under.threshold} of the expected energy` },
                  'underperforming',
                )
              : r.stat?.performanceJudged
                ? h('span', { class: 'muted' }, 'as expected')
                : r.stat
                  ? h(
                      'span',
                      { class: 'muted', title: 'too few readings the curve could judge, no usable curve, or a calm window' },
                      'not judged',
                    )
                  : '',
          ),
        );
      }),
    ),
  );
}

/** A warning when wind speed explains less than half of the window's power variance: its verdicts then say little. */
function weakCurveNotice(curve) {
  const explained = curve ? explainedVariance(curve.fleet.bins) : null;
  if (explained === null || explained >= 0.5) return null;
  return h(
    'p',
    { class: 'notice', id: 'weak-curve' },
    `Wind speed explains only ${Math.round(explained * 100)}% of the power variance in this window: these readings do not follow a power curve, so expected energies and underperformance verdicts say little.`,
  );
}

/** Builds the view; `mount(width)` draws the chart once the node is in the document. */
export function fleetView(data) {
  if (!data.current) {
    return {
      node: h(
        'section',
        {},
        h('h1', {}, 'Fleet'),
        h('p', { class: 'empty' }, 'No statistics yet: drop CSV files into the watched folder; the stats job runs every minute.'),
        ledgerSection(data.files, LEDGER_PAGE),
      ),
    };
  }
  const { current, windows } = data;
  const rows = fleetRows(data);
  const band = fleetBand(current);
  const index = windows.indexOf(current);
  const prev = windows[index - 1];
  const next = windows[index + 1];
  const flagged = rows.filter((r) => r.flag);
  const under = rows.filter((r) => r.under);
  const chartBox = h('div', { id: 'fleet-chart', class: 'chart' });
  const withData = rows.filter((r) => r.stat);
  const assessed = withData.filter((r) => r.stat.readingsUsed > 0);
  const lostBox = h('div', {
    id: 'lost-energy-chart',
    class: 'chart',
    dataset: { turbines: String(assessed.length), underperforming: String(under.length) },
  });
  const lostSection = h(
    'section',
    { id: 'lost-energy' },
    h('h2', {}, 'Lost energy against the power curve'),
    assessed.length === 0
      ? h(
          'p',
          { class: 'empty', id: 'no-curve' },
          'No usable power curve for this window: its readings have no measured wind speed, or the days before it too few readings per wind-speed bin.',
        )
      : [
          weakCurveNotice(data.curve),
          h(
            'p',
            { class: 'muted' },
            'Expected minus actual energy of each turbine, expected from the fleet’s power curve of the days before the window (POWER_CURVE_REFERENCE_DAYS); negative when a turbine beat the curve.',
          ),
          lostBox,
        ],
  );

  const node = h(
    'section',
    { id: 'fleet-view', dataset: { windowStart: current.windowStart } },
    h(
      'div',
      { class: 'view-head' },
      h(
        'h1',
        {},
        'Fleet ',
        h(
          'span',
          { class: 'subtle' },
          `${windowLabel(current.windowStart, current.windowSeconds)} ${current.windowSeconds === 86_400 ? weekday(current.windowStart) : ''} UTC`,
        ),
      ),
      h(
        'nav',
        { class: 'pager', 'aria-label': 'window' },
        h(
          'a',
          {
            class: `button${prev ? '' : ' disabled'}`,
            href: prev ? `#/fleet/${prev.windowStart}` : false,
            'aria-disabled': prev ? false : 'true',
          },
          '← previous',
        ),
        h(
          'a',
          {
            class: `button${next ? '' : ' disabled'}`,
            href: next ? `#/fleet/${next.windowStart}` : false,
            'aria-disabled': next ? false : 'true',
          },
          'next →',
        ),
      ),
    ),
    data.missing ? h('p', { class: 'notice' }, 'That window has no statistics; showing the latest one.') : null,
    windowStrip(windows, current),
    h(
      'p',
      { class: 'legend-line' },
      h('span', { class: 'swatch w-flagged' }),
      'a turbine flagged by the fleet rule ',
      h('span', { class: 'swatch w-readings' }),
      'anomalous readings only ',
      h('span', { class: 'swatch w-clean' }),
      'none',
    ),
    h(
      'div',
      { class: 'cards' },
      card('Turbines with data', `${withData.length} of ${rows.length}`),
      card(
        'Fleet mean μ',
        band.mu === null ? '—' : `${num(band.mu, 3)} MW`,
        band.sd === null ? '' : `σ ${num(band.sd, 3)} MW · k ${band.k ?? '—'}`,
      ),
      card(
        'Band μ ± kσ',
        band.usable ? `${num(band.mu - band.k * band.sd, 2)} … ${num(band.mu + band.k * band.sd, 2)} MW` : 'needs ≥ 3 turbines',
      ),
      card(
        'Flagged turbines',
        flagged.length === 0 ? 'none' : flagged.flatMap((r, i) => [i > 0 ? ', ' : '', turbineLink(r, current)]),
        flagged.length === 0 ? 'by the fleet rule' : 'outside μ ± kσ: see the red rows',
        flagged.length > 0 ? 'danger' : '',
      ),
      card('Anomalous readings', int(rows.reduce((a, r) => a + r.readingAnomalies, 0)), '', ''),
      card(
        'Coverage',
        percent(current.readingCount, current.expectedCount),
        `${int(current.readingCount)} of ${int(current.expectedCount)} expected readings`,
      ),
      card(
        'Underperforming',
        under.length === 0 ? 'none' : under.flatMap((r, i) => [i > 0 ? ', ' : '', turbineLink(r, current)]),
        assessed.length === 0 ? 'no usable power curve' : `fleet: ${energyBalance(current.lostEnergyMWh, current.expectedEnergyMWh)}`,
        under.length > 0 ? 'danger' : '',
      ),
    ),
    h(
      'p',
      { class: 'definitions muted' },
      h('strong', {}, 'Coverage'),
      ' = readings received ÷ readings expected (one per READING_INTERVAL_SECONDS). Power in MW, energy in MWh.',
    ),
    chartBox,
    lostSection,
    fleetTable(rows, band, current),
    ledgerSection(data.files, LEDGER_PAGE),
  );

  let chart = null;
  let lostChart = null;
  return {
    node,
    mount(width) {
      if (withData.length === 0) return;
      if (assessed.length > 0) {
        lostChart = lostEnergyChart(
          lostBox,
          {
            names: assessed.map((r) => r.name),
            lost: assessed.map((r) => r.stat.lostEnergyMWh),
            flagged: assessed.map((r) => Boolean(r.under)),
          },
          chartWidth(width),
        );
        lostBox.dataset.rendered = 'true';
      }
      chart = fleetChart(
        chartBox,
        {
          names: withData.map((r) => r.name),
          means: withData.map((r) => r.stat.mean),
          flagged: withData.map((r) => Boolean(r.flag)),
          mu: band.mu,
          upper: band.usable ? band.mu + band.k * band.sd : null,
          lower: band.usable ? band.mu - band.k * band.sd : null,
        },
        chartWidth(width),
      );
      // With months of windows the strip scrolls; bring the current one into view with the next frame's layout.
      requestAnimationFrame(() => node.querySelector('.w-current')?.scrollIntoView({ block: 'nearest', inline: 'center' }));
    },
    resize() {
      chart?.setSize({ width: chartWidth(chartBox.parentElement.clientWidth), height: chart.height });
      lostChart?.setSize({ width: chartWidth(lostBox.parentElement.clientWidth), height: lostChart.height });
    },
    unmount() {
      chart?.destroy();
      lostChart?.destroy();
    },
  };
}
