// Small DOM and formatting helpers shared by the views. Everything is shown in UTC, as stored.

/**
 * Creates an element. `attrs` keys: `class`, `text`, `dataset` and `style` (objects), `on<event>` (listener),
 * anything else becomes an attribute (skipped when null, undefined or false). Children may be
 * nodes, strings or arrays of them; null and false are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = String(value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    // Through the CSSOM: the page's Content-Security-Policy refuses inline style attributes.
    else if (key === 'style') Object.assign(el.style, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/**
 * A small summary card: title, value, optional detail line; `tone` is danger, warn or ''.
 * @param {string} title
 * @param {any} value text, a node or an array of them
 * @param {any} [detail] text, a node or an array of them
 * @param {string} [tone]
 */
export function card(title, value, detail = '', tone = '') {
  return h(
    'div',
    { class: `card ${tone}` },
    h('div', { class: 'card-title' }, title),
    h('div', { class: 'card-value' }, value),
    detail ? h('div', { class: 'card-detail' }, detail) : null,
  );
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

const DAY_MS = 86_400_000;

/** A turbine as the page names it: `#7` for a numbered turbine (named by its id), else its name (`Kelmarsh 1`). */
export function turbineLabel(name) {
  return /^[0-9]+$/.test(name) ? `#${name}` : name;
}

/** The turbine view's address: the name URL-encoded, then the query (`from`, `to`, `focus`) if any. */
export function turbineHref(name, query = {}) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== null && value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return `#/turbine/${encodeURIComponent(name)}${text ? `?${text}` : ''}`;
}

const NAME_ORDER = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/**
 * The page's order of turbines ({ id, name }): numbered ones by number, then named ones by name,
 * numbers within names compared as numbers (`Kelmarsh 2` before `Kelmarsh 10`).
 */
export function compareTurbines(a, b) {
  if (a.id > 0 || b.id > 0) return a.id > 0 && b.id > 0 ? a.id - b.id : a.id > 0 ? -1 : 1;
  return NAME_ORDER.compare(a.name, b.name) || a.id - b.id;
}

/** A chart's canvas width inside its box (`.chart` has 0.5rem padding and a 1px border each side). */
export function chartWidth(available) {
  return Math.max(320, Math.floor(available - 18));
}

/** `2022-03-05` from an ISO instant or epoch ms. */
export function day(value) {
  return new Date(value).toISOString().slice(0, 10);
}

/** `2022-03-05 14:00` (UTC). */
export function dateTime(value) {
  return new Date(value).toISOString().slice(0, 16).replace('T', ' ');
}

/** A window's label: its day for daily windows, otherwise its start and length. */
export function windowLabel(windowStart, windowSeconds) {
  if (windowSeconds === 86_400) return day(windowStart);
  const hours = windowSeconds / 3600;
  return `${dateTime(windowStart)} +${Number.isInteger(hours) ? `${hours} h` : `${windowSeconds} s`}`;
}

export function weekday(value) {
  return new Date(value).toLocaleDateString('en-GB', { weekday: 'short', timeZone: 'UTC' });
}

/** Fixed decimals; an em dash for null. A value that rounds to zero is 0.00, never -0.00. */
export function num(value, digits = 2) {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  const text = Number(value).toFixed(digits);
  return Number(text) === 0 ? text.replace('-', '') : text;
}

/** With its sign (+1.50, −0.25); a value that rounds to zero is ±0.00. */
export function signed(value, digits = 2) {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  const magnitude = Math.abs(value).toFixed(digits);
  return `${Number(magnitude) === 0 ? '±' : value > 0 ? '+' : '−'}${magnitude}`;
}

/** A performance ratio as a percentage of what the curve expects (87%); an em dash for null. */
export function ratio(value) {
  return value === null || value === undefined ? '—' : `${Math.round(value * 100)}%`;
}

/** Whole percents, except that anything short of complete never rounds up to 100%. */
export function percent(part, whole) {
  if (!(whole > 0)) return '—';
  const p = (100 * part) / whole;
  if (part < whole && p >= 99.5) return `${Math.min(99.9, Math.floor(p * 10) / 10)}%`;
  return `${Math.round(p)}%`;
}

/** Lost energy against what was expected, in words: "lost 3.1 of 48.0 MWh expected", or "0.4 MWh above the 48.0 expected". */
export function energyBalance(lost, expected) {
  return lost >= 0
    ? `lost ${num(lost, 1)} of ${num(expected, 1)} MWh expected`
    : `${num(-lost, 1)} MWh above the ${num(expected, 1)} expected`;
}

// One formatter for every call: building an Intl formatter per number costs more than the table.
const INTEGER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function int(value) {
  return value === null || value === undefined ? '—' : INTEGER.format(Number(value));
}

/** A count with its noun: `1 rejected line`, `3 rejected lines`, `1,000 turbines` (`many` for irregular plurals). */
export function plural(count, one, many = `${one}s`) {
  return `${int(count)} ${Number(count) === 1 ? one : many}`;
}

/**
 * A day typed as `YYYY-MM-DD` (UTC) as epoch ms; NaN for any other spelling (`03/05/2022`,
 * `2022-3-5`) or a day that does not exist (`2022-02-30`), so a typo is refused, never guessed.
 */
export function parseIsoDay(text) {
  const value = String(text).trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return NaN;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return Number.isNaN(ms) || day(ms) !== value ? NaN : ms;
}

export function startOfUtcDay(ms) {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

export { DAY_MS };
