// The fleet in one window: a row per turbine, the fleet rule's outliers standing out, and the ledger.
import { allTurbines, cached, getAll, getJson } from './api.js';
import { explainedVariance } from './charts.js';
import { card, chartWidth, compareTurbines, energyBalance, h, int, num, percent, plural, weekday, windowLabel } from './dom.js';
import { fleetChart, lostEnergyChart, PER_TURBINE_MAX } from './fleet-charts.js';
import { fleetTable, turbineLink } from './fleet-table.js';
import { ledgerSection } from './ledger.js';
import { windowStrip, windowStripLegend } from './window-strip.js';

const LEDGER_PAGE = 15;
/** How many turbines the flagged and underperforming cards name before "show all". */
const CARD_TOP = 6;
/** The lost-energy chart of a fleet larger than PER_TURBINE_MAX draws this many turbines: the worst. */
const LOST_TOP = 30;
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

/**
 * The fleet rule's band for the window, as the server computed it (GET /windows carries μ, σ and
 * whether the rule applies): the page draws the rule, it does not re-derive it.
 */
function fleetBand(current) {
  const k = current.sigma;
  return { mu: current.fleetMean, sd: current.fleetStddev, k, usable: current.fleetRuleApplies && k !== null };
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

/**
 * A card's turbines, worst first: the first CARD_TOP as links and, when there are more, a button
 * that shows them all (in a box that scrolls, so the card keeps its size) and back to the worst.
 * Returns the card's value and the button (null when every turbine is named already).
 */
function topList(id, ranked, current) {
  const links = ranked.map((r) => turbineLink(r, current));
  const list = h('span', { class: 'top-list', id });
  const toggle =
    ranked.length > CARD_TOP ? h('button', { type: 'button', class: 'link-button', id: `${id}-toggle`, 'aria-controls': id }) : null;
  let all = false;
  const show = () => {
    const shown = all ? links : links.slice(0, CARD_TOP);
    list.replaceChildren(...shown.flatMap((a, i) => [i > 0 ? ', ' : '', a]), all || !toggle ? '' : ' …');
    list.classList.toggle('all', all);
    list.dataset.shown = String(shown.length);
    if (toggle) {
      toggle.textContent = all ? `show the worst ${CARD_TOP}` : `show all ${int(ranked.length)}`;
      toggle.setAttribute('aria-expanded', String(all));
    }
  };
  toggle?.addEventListener('click', () => {
    all = !all;
    show();
  });
  show();
  return { list, toggle };
}

/** Rows sorted by `score` descending (the worst first), ties in the page's turbine order. */
const worstFirst = (rows, score) => [...rows].sort((a, b) => score(b) - score(a) || compareTurbines(a, b));

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
  const flagged = worstFirst(
    rows.filter((r) => r.flag),
    (r) => Math.abs(r.flag.deviation),
  );
  const under = worstFirst(
    rows.filter((r) => r.under),
    (r) => r.stat?.lostEnergyMWh ?? r.under.lostEnergyMWh ?? 0,
  );
  const flaggedList = topList('flagged-list', flagged, current);
  const underList = topList('underperforming-list', under, current);
  const withData = rows.filter((r) => r.stat);
  const ranked = withData.length > PER_TURBINE_MAX;
  const chartBox = h('div', { id: 'fleet-chart', class: 'chart', dataset: { turbines: String(withData.length) } });
  const assessed = withData.filter((r) => r.stat.readingsUsed > 0);
  // Of a large fleet the bars of the worst losses only, largest first: a thousand bars name nobody.
  const lostShown = assessed.length > PER_TURBINE_MAX ? worstFirst(assessed, (r) => r.stat.lostEnergyMWh).slice(0, LOST_TOP) : assessed;
  const lostBox = h('div', {
    id: 'lost-energy-chart',
    class: 'chart',
    dataset: { turbines: String(assessed.length), underperforming: String(under.length), shown: String(lostShown.length) },
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
            lostShown.length < assessed.length
              ? ` Here the ${lostShown.length} with the most lost energy of ${plural(assessed.length, 'turbine')} judged, largest first; sort the table by Lost for the others.`
              : '',
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
    windowStripLegend(),
    h(
      'div',
      { class: 'cards' },
      card('Turbines with data', `${int(withData.length)} of ${int(rows.length)}`),
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
        flagged.length === 0 ? 'none' : flaggedList.list,
        flagged.length === 0
          ? 'by the fleet rule'
          : [`${plural(flagged.length, 'turbine')} outside μ ± kσ, farthest first `, flaggedList.toggle],
        flagged.length > 0 ? 'danger' : '',
      ),
      card('Anomalous readings', int(rows.reduce((a, r) => a + r.readingAnomalies, 0)), '', ''),
      card(
        'Coverage',
        percent(current.readingCount, current.expectedCount),
        `${int(current.readingCount)} of ${plural(current.expectedCount, 'expected reading')}`,
      ),
      card(
        'Underperforming',
        under.length === 0 ? 'none' : underList.list,
        [
          assessed.length === 0 ? 'no usable power curve' : `fleet: ${energyBalance(current.lostEnergyMWh, current.expectedEnergyMWh)} `,
          underList.toggle,
        ],
        under.length > 0 ? 'danger' : '',
      ),
    ),
    h(
      'p',
      { class: 'definitions muted' },
      h('strong', {}, 'Coverage'),
      ' = readings received ÷ readings expected (one per READING_INTERVAL_SECONDS). Power in MW, energy in MWh.',
    ),
    ranked
      ? h(
          'p',
          { class: 'muted', id: 'fleet-chart-note' },
          `${plural(withData.length, 'turbine')}, too many to name under the chart: ranked by their window mean, lowest on the left, so the fleet rule’s outliers are the tails outside the band. Point at a dot for its turbine.`,
        )
      : null,
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
      if (lostShown.length > 0) {
        lostChart = lostEnergyChart(
          lostBox,
          {
            names: lostShown.map((r) => r.name),
            lost: lostShown.map((r) => r.stat.lostEnergyMWh),
            flagged: lostShown.map((r) => Boolean(r.under)),
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
      chartBox.dataset.rendered = 'true';
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
