// The dashboard's entry point: hash routes, rendering, and the banner while stats are being computed.
import { clearCache, getJson, StatsRunningError } from './api.js';
import { h } from './dom.js';
import { fileView, loadFile } from './file-view.js';
import { fleetView, loadFleet } from './fleet-view.js';
import { loadTurbine, turbineView } from './turbine-view.js';

const VIEWS = {
  fleet: { load: loadFleet, build: fleetView, title: 'Fleet' },
  turbine: { load: loadTurbine, build: turbineView, title: 'Turbine' },
  file: { load: loadFile, build: fileView, title: 'File' },
};

/** How often an idle page asks whether a stats computation has started. */
const LOCK_PROBE_MS = 15_000;

const main = document.getElementById('view');
const banner = document.getElementById('lock-banner');
const bannerDetail = document.getElementById('lock-detail');
const updated = document.getElementById('updated');

/** A path segment of the address decoded; a malformed escape (typed by hand) is kept as written. */
function decodePart(part) {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** `#/fleet/<window start>`, `#/turbine/<name, URL-encoded>?from&to&focus`, `#/files/<id>` (`/rejections`: at its rejected lines). */
export function parseRoute(hash) {
  const [path, query = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodePart);
  const q = new URLSearchParams(query);
  if (parts[0] === 'turbine') {
    return {
      name: 'turbine',
      turbine: parts[1],
      from: q.get('from'),
      to: q.get('to'),
      focus: q.get('focus'),
    };
  }
  if (parts[0] === 'files' && parts[1]) {
    return { name: 'file', fileId: Number(parts[1]), focus: parts[2] === 'rejections' ? 'rejections' : null };
  }
  return { name: 'fleet', windowStart: parts[1] ?? null };
}

let mounted = null;
let renderSeq = 0;
let renders = 0;
let retryTimer = null;

function showLock(retryAfterSeconds) {
  banner.hidden = retryAfterSeconds === null;
  if (retryAfterSeconds !== null) {
    bannerDetail.textContent = `Statistics and anomalies are held back until it commits, so nothing half-written is shown. This page refreshes by itself (next try in ${retryAfterSeconds} s).`;
  }
}

function retryIn(seconds) {
  clearTimeout(retryTimer);
  retryTimer = setTimeout(() => void render({ keepScroll: true, fresh: true }), seconds * 1000);
}

function errorBox(error) {
  return h(
    'section',
    { class: 'error-box', role: 'alert' },
    h('h1', {}, 'Could not load this view'),
    h('p', {}, error.message),
    h('p', {}, h('a', { href: '#/fleet' }, 'back to the fleet')),
  );
}

/**
 * Loads the current route's data, then swaps the view in. A stats lock keeps what is shown and
 * retries. `fresh` re-reads the lists that moving between views reuses for a while.
 */
async function render({ keepScroll = false, fresh = false } = {}) {
  clearTimeout(retryTimer);
  if (fresh) clearCache();
  const seq = ++renderSeq;
  const route = parseRoute(location.hash);
  const view = VIEWS[route.name];
  for (const link of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('[data-nav]')))
    link.classList.toggle('active', link.dataset.nav === route.name);
  document.title = `${view.title} · Windmill`;
  main.dataset.state = 'loading';
  main.setAttribute('aria-busy', 'true');
  const started = performance.now();
  try {
    const data = await view.load(route);
    if (seq !== renderSeq) return;
    const scrollY = window.scrollY;
    // Measured before the swap, while layout is clean: charts get their width without forcing a reflow of the new view.
    const width = main.clientWidth - 2 * parseFloat(getComputedStyle(main).paddingLeft);
    mounted?.unmount?.();
    mounted = view.build(data);
    main.replaceChildren(mounted.node);
    mounted.mount?.(width);
    if (keepScroll) window.scrollTo(0, scrollY);
    showLock(null);
    renders += 1;
    main.dataset.renders = String(renders);
    main.dataset.renderMs = String(Math.round(performance.now() - started));
    main.dataset.state = 'ready';
    updated.textContent = `updated ${new Date().toISOString().slice(11, 19)} UTC`;
  } catch (error) {
    if (seq !== renderSeq) return;
    if (error instanceof StatsRunningError) {
      showLock(error.retryAfterSeconds);
      if (!mounted) main.replaceChildren(h('p', { class: 'empty' }, 'Waiting for the statistics computation to finish…'));
      main.dataset.state = 'locked';
      retryIn(error.retryAfterSeconds);
      return;
    }
    mounted?.unmount?.();
    mounted = null;
    main.replaceChildren(errorBox(error));
    main.dataset.state = 'error';
  } finally {
    if (seq === renderSeq) main.setAttribute('aria-busy', 'false');
  }
}

/** Between renders, notice a stats run that starts; the render after it ends brings the new results. */
async function probeLock() {
  if (main.dataset.state !== 'ready' || document.hidden) return;
  try {
    await getJson('/windows', { limit: 1 });
  } catch (error) {
    if (error instanceof StatsRunningError && main.dataset.state === 'ready') {
      showLock(error.retryAfterSeconds);
      main.dataset.state = 'locked';
      retryIn(error.retryAfterSeconds);
    }
  }
}

window.addEventListener('hashchange', () => void render());
window.addEventListener('resize', () => mounted?.resize?.());
document.getElementById('refresh').addEventListener('click', () => void render({ keepScroll: true, fresh: true }));
setInterval(() => void probeLock(), LOCK_PROBE_MS);
void render();
