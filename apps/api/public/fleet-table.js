// The fleet table: a row per turbine in the window, sorted by any column and filtered by name, so a
// fleet of 1 000 is read from its worst rows down instead of scrolled through.
import { h, int, num, plural, ratio, signed, turbineHref, turbineLabel } from './dom.js';

/** A link to a turbine's view around the window shown, under the turbine's label. */
export function turbineLink(row, current, attrs = {}) {
  return h('a', { href: turbineHref(row.name, { focus: current.windowStart }), ...attrs }, turbineLabel(row.name));
}

/** The sort and the filter, kept while the operator moves from window to window. */
const state = { column: 'turbine', descending: false, filter: '' };

function coverageCell(stat) {
  if (!stat) return h('td', { class: 'coverage' }, h('span', { class: 'muted' }, 'no data'));
  const ratio = stat.expectedCount > 0 ? Math.min(1, stat.count / stat.expectedCount) : 0;
  return h(
    'td',
    {
      class: `coverage${ratio < 0.9 ? ' low' : ''}`,
      title: `${int(stat.count)} of ${plural(stat.expectedCount, 'expected reading')}`,
    },
    h('span', { class: 'bar' }, h('span', { class: 'fill', style: { width: `${(ratio * 100).toFixed(1)}%` } })),
    h('span', { class: 'bar-label' }, `${stat.count}/${stat.expectedCount}`),
  );
}

function ruleCell(r) {
  if (r.flag) {
    const f = r.flag;
    return h(
      'td',
      {},
      h(
        'span',
        {
          class: 'badge danger',
          title: `window mean ${num(f.value, 3)} outside μ ± ${f.sigma}σ = ${num(f.mean, 3)} ± ${num(f.sigma * f.stddev, 3)}`,
        },
        'outlier',
      ),
    );
  }
  return h('td', {}, r.stat ? h('span', { class: 'muted' }, 'in band') : '');
}

function curveCell(r) {
  if (r.under) {
    return h(
      'td',
      {},
      h('span', { class: 'badge underperforming', title: `below 1 − ${r.under.threshold} of the expected energy` }, 'underperforming'),
    );
  }
  if (r.stat?.performanceJudged) return h('td', {}, h('span', { class: 'muted' }, 'as expected'));
  const why = 'too few readings the curve could judge, no usable curve, or a calm window';
  return h('td', {}, r.stat ? h('span', { class: 'muted', title: why }, 'not judged') : '');
}

/**
 * The columns: id, heading, the value a row sorts by (null when it has none: such rows come last
 * either way) and its cell. `band` is the fleet rule's μ, σ, k.
 */
function columns(band, current) {
  const z = (r) => (r.stat && band.usable ? (r.stat.mean - band.mu) / band.sd : null);
  const stat = (field) => (r) => r.stat?.[field] ?? null;
  const numCell = (value, digits, cls = 'num') => h('td', { class: cls }, num(value, digits));
  return [
    {
      id: 'turbine',
      title: 'Turbine',
      key: (r) => r.order,
      cell: (r) => h('th', { scope: 'row' }, turbineLink(r, current, { title: `Turbine ${turbineLabel(r.name)} over time` })),
    },
    {
      id: 'coverage',
      title: 'Coverage',
      key: (r) => (r.stat && r.stat.expectedCount > 0 ? r.stat.count / r.stat.expectedCount : null),
      cell: (r) => coverageCell(r.stat),
    },
    {
      id: 'imputed',
      title: 'Imputed',
      key: stat('imputedCount'),
      cell: (r) => h('td', { class: 'num' }, r.stat ? int(r.stat.imputedCount) : '—'),
    },
    { id: 'min', title: 'Min (MW)', key: stat('min'), cell: (r) => numCell(r.stat?.min) },
    { id: 'max', title: 'Max (MW)', key: stat('max'), cell: (r) => numCell(r.stat?.max) },
    { id: 'mean', title: 'Mean (MW)', key: stat('mean'), cell: (r) => numCell(r.stat?.mean, 3, 'num strong') },
    { id: 'stddev', title: 'σ (MW)', key: stat('stddev'), cell: (r) => numCell(r.stat?.stddev, 3) },
    {
      id: 'deviation',
      title: 'Mean − μ (MW)',
      key: (r) => (r.stat && band.mu !== null ? r.stat.mean - band.mu : null),
      cell: (r) => {
        const zr = z(r);
        return h(
          'td',
          { class: 'num', title: zr === null ? '' : `${signed(zr)} σ from the fleet mean` },
          r.stat && band.mu !== null ? `${signed(r.stat.mean - band.mu, 3)}${zr === null ? '' : ` (${signed(zr, 1)}σ)`}` : '—',
        );
      },
    },
    {
      id: 'readings',
      title: 'Anomalous readings',
      key: (r) => r.readingAnomalies,
      cell: (r) => h('td', { class: 'num' }, r.readingAnomalies > 0 ? h('span', { class: 'badge warn' }, String(r.readingAnomalies)) : '0'),
    },
    // Outliers first (descending): the farther from μ in σ, the higher.
    { id: 'rule', title: 'Fleet rule', key: (r) => (z(r) === null ? null : Math.abs(z(r))), cell: ruleCell },
    {
      id: 'energy',
      title: 'Energy (MWh)',
      key: stat('energyMWh'),
      cell: (r) => h('td', { class: 'num' }, r.stat ? num(r.stat.energyMWh, 1) : '—'),
    },
    {
      id: 'lost',
      title: 'Lost (MWh)',
      key: (r) => (r.stat && r.stat.readingsUsed > 0 ? r.stat.lostEnergyMWh : null),
      cell: (r) =>
        h(
          'td',
          {
            class: 'num',
            title: r.stat ? `expected ${num(r.stat.expectedEnergyMWh, 1)} MWh over ${plural(r.stat.readingsUsed, 'reading')}` : '',
          },
          r.stat && r.stat.readingsUsed > 0 ? num(r.stat.lostEnergyMWh, 1) : '—',
        ),
    },
    {
      id: 'ratio',
      title: 'Ratio',
      key: stat('performanceRatio'),
      cell: (r) => h('td', { class: 'num strong' }, ratio(r.stat?.performanceRatio)),
    },
    // Underperforming, then as expected, then not judged (descending).
    {
      id: 'verdict',
      title: 'Power curve',
      key: (r) => (r.under ? 2 : r.stat?.performanceJudged ? 1 : r.stat ? 0 : null),
      cell: curveCell,
    },
  ];
}

function rowNode(r, cols) {
  const classes = [
    r.flag ? 'flagged' : '',
    r.under ? 'underperforming' : '',
    r.readingAnomalies > 0 ? 'has-reading-anomalies' : '',
    r.stat ? '' : 'no-data',
  ];
  return h(
    'tr',
    {
      class: classes.filter(Boolean).join(' '),
      dataset: {
        turbineId: String(r.id),
        turbineName: r.name,
        flagged: String(Boolean(r.flag)),
        underperforming: String(Boolean(r.under)),
        readingAnomalies: String(r.readingAnomalies),
        lost: r.stat ? String(r.stat.lostEnergyMWh) : '',
      },
    },
    cols.map((c) => c.cell(r)),
  );
}

/** Rows in the column's order; rows without a value last whichever the direction, ties in turbine order. */
function sortEntries(entries, column, descending) {
  const sign = descending ? -1 : 1;
  return [...entries].sort((a, b) => {
    const x = column.key(a.row);
    const y = column.key(b.row);
    if (x === null || y === null) return x === y ? a.row.order - b.row.order : x === null ? 1 : -1;
    return sign * (x - y) || a.row.order - b.row.order;
  });
}

/**
 * The table with its filter box. `rows` come in the page's turbine order (`compareTurbines`). A
 * heading sorts by its column (numbers largest first on the first click, names A to Z; a second
 * click reverses), the box keeps the turbines whose label contains what is typed; both stay while
 * the operator moves between windows.
 */
export function fleetTable(rows, band, current) {
  const cols = columns(band, current);
  const entries = rows.map((row, order) => {
    const r = { ...row, order };
    return { row: r, tr: rowNode(r, cols), text: `${turbineLabel(r.name)}\n${r.name}`.toLowerCase() };
  });
  const body = h('tbody', {});
  const count = h('span', { id: 'fleet-count', class: 'muted', role: 'status' });
  const noMatch = h('p', { class: 'empty', id: 'fleet-no-match', hidden: true });
  const heads = cols.map((c) =>
    h(
      'th',
      { scope: 'col', dataset: { column: c.id } },
      h('button', { type: 'button', class: 'sort', title: `sort by ${c.title}; again to reverse` }, c.title),
    ),
  );

  const apply = () => {
    const column = cols.find((c) => c.id === state.column) ?? cols[0];
    heads.forEach((th, i) => th.setAttribute('aria-sort', cols[i] === column ? (state.descending ? 'descending' : 'ascending') : 'none'));
    const sorted = sortEntries(entries, column, state.descending);
    const query = state.filter.trim().toLowerCase();
    let shown = 0;
    for (const e of sorted) {
      e.tr.hidden = query !== '' && !e.text.includes(query);
      if (!e.tr.hidden) shown += 1;
    }
    body.append(...sorted.map((e) => e.tr));
    count.textContent =
      query === ''
        ? plural(entries.length, 'turbine')
        : `${int(shown)} of ${plural(entries.length, 'turbine')} match “${state.filter.trim()}”`;
    noMatch.hidden = shown > 0 || entries.length === 0;
    noMatch.textContent = `No turbine’s name contains “${state.filter.trim()}”.`;
  };
  heads.forEach((th, i) =>
    th.querySelector('button').addEventListener('click', () => {
      const id = cols[i].id;
      state.descending = state.column === id ? !state.descending : id !== 'turbine';
      state.column = id;
      apply();
    }),
  );
  const filter = h('input', {
    type: 'search',
    id: 'fleet-filter',
    placeholder: 'filter by name',
    'aria-label': 'filter turbines by name',
    autocomplete: 'off',
    value: state.filter,
  });
  filter.addEventListener('input', () => {
    state.filter = filter.value;
    apply();
  });
  apply();
  return h(
    'section',
    { id: 'turbines' },
    h('div', { class: 'table-tools' }, h('h2', {}, 'Turbines'), filter, count),
    h('table', { id: 'fleet-table', class: 'data' }, h('thead', {}, h('tr', {}, heads)), body),
    noMatch,
  );
}
