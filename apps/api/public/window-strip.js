// The strip of windows above the fleet view: each window shaded by the share of turbines the fleet
// rule flagged in it, so a bad day stands out of a fleet of 1 000 as it does of 15.
import { h, percent, plural, windowLabel } from './dom.js';

/**
 * The shades' lower bounds, as shares of the window's turbines flagged: above 0 and under 1 % is
 * the palest (at k = 2 a few turbines of a large fleet fall outside the band by chance alone),
 * 20 % or more the darkest (a fifth of the fleet, or one turbine of five).
 */
export const SHARE_STEPS = [0, 0.01, 0.02, 0.05, 0.1, 0.2];

/** The shade (1..6) for a share of turbines flagged above 0; 0 for none. */
export function shareLevel(share) {
  if (!(share > 0)) return 0;
  let level = 0;
  for (const step of SHARE_STEPS) if (share >= step) level += 1;
  return level;
}

/** A share as a percentage: whole percents, one decimal under 1 % (`0.3%`), so a few flagged of many never reads 0 %. */
const pct = (share) => (share > 0 && share < 0.01 ? `${(share * 100).toFixed(1)}%` : `${Math.round(share * 100)}%`);

/** The shades' captions: `under 1%`, `1–2%`, ..., `20% or more`. */
function levelCaption(level) {
  const low = SHARE_STEPS[level - 1];
  const high = SHARE_STEPS[level];
  if (level === 1) return `under ${pct(high)}`;
  return high === undefined ? `${pct(low)} or more` : `${pct(low)}–${pct(high)}`;
}

function windowCell(w, current) {
  const share = w.turbineCount > 0 ? w.turbineAnomalies / w.turbineCount : 0;
  const level = shareLevel(share);
  const kind = level > 0 ? `w-flagged share-${level}` : w.readingAnomalies > 0 ? 'w-readings' : 'w-clean';
  const isCurrent = w.windowStart === current.windowStart;
  const label = windowLabel(w.windowStart, w.windowSeconds);
  const flagged = `${plural(w.turbineAnomalies, 'turbine')} flagged by the fleet rule${level > 0 ? ` (${pct(share)})` : ''}`;
  return h(
    'a',
    {
      class: `window-cell ${kind}${isCurrent ? ' w-current' : ''}`,
      href: `#/fleet/${w.windowStart}`,
      role: 'listitem',
      'aria-current': isCurrent ? 'true' : false,
      title: `${label}: ${plural(w.turbineCount, 'turbine')}, ${flagged}, ${w.underperformanceAnomalies} underperforming, ${plural(w.readingAnomalies, 'anomalous reading')}, coverage ${percent(w.readingCount, w.expectedCount)}`,
      dataset: { windowStart: w.windowStart, turbineAnomalies: String(w.turbineAnomalies), flagShare: String(share), level: String(level) },
    },
    w.windowSeconds === 86_400 ? label.slice(8, 10) : label.slice(11, 16),
  );
}

/** Every window as a link, the current one outlined; with months of windows the strip scrolls. */
export function windowStrip(windows, current) {
  return h(
    'div',
    { class: 'window-strip', role: 'list', 'aria-label': 'windows' },
    windows.map((w) => windowCell(w, current)),
  );
}

/** What the strip's colours mean: the shades by share flagged, amber, grey. */
export function windowStripLegend() {
  return h(
    'p',
    { class: 'legend-line', id: 'strip-legend' },
    h(
      'span',
      { class: 'legend-item' },
      'turbines flagged by the fleet rule:',
      SHARE_STEPS.map((_, i) =>
        h('span', { class: 'legend-item' }, h('span', { class: `swatch w-flagged share-${i + 1}` }), levelCaption(i + 1)),
      ),
    ),
    h('span', { class: 'legend-item' }, h('span', { class: 'swatch w-readings' }), 'anomalous readings only'),
    h('span', { class: 'legend-item' }, h('span', { class: 'swatch w-clean' }), 'none'),
  );
}
