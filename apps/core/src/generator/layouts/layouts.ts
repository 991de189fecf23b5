/**
 * The generator's four layouts: the canonical CSV and three real exports (SPEC section 8) that
 * the loader's presets read. The same options and seed give the same readings, messiness
 * decisions and order of a turbine's lines in every layout; only the spelling and the split into
 * files differ. See `layout-lines.ts` for the lines and `write-sample-data.ts` for the files.
 */
import { createLineFormat } from '../line-format.js';
import {
  MALFORMED_KINDS,
  resolveOptions,
  type GeneratorOptions,
  type Layout,
  type MalformedKind,
  type ResolvedOptions,
} from '../options.js';
import { planFiles } from '../planner.js';
import { EUROPEAN, europeanTurbineName } from './european.js';
import { GREENBYTE, greenbyteTurbineName } from './greenbyte.js';
import type { LayoutFile, LayoutSpec } from './layout-spec.js';
import { SINGLE_TURBINE, singleTurbineName } from './single-turbine.js';

export type { LayoutEncoding, LayoutFile, LayoutSpec } from './layout-spec.js';

const CANONICAL: LayoutSpec = {
  files: (_o, source) => [{ name: source.name, source, turbineId: null, encoding: 'utf-8' }],
  header: (o) => createLineFormat(o.format).header,
  lineFormat: (o) => createLineFormat(o.format),
  preambleLines: 0,
};

export const LAYOUT_SPECS: Readonly<Record<Layout, LayoutSpec>> = {
  canonical: CANONICAL,
  greenbyte: GREENBYTE,
  'single-turbine': SINGLE_TURBINE,
  european: EUROPEAN,
};

/**
 * The malformed-line kinds a layout writes so that the loader rejects them for the same reason as
 * the canonical line. Greenbyte and single-turbine files have no turbine column, so a bad turbine
 * id cannot be written: those lines lose a cell instead and are rejected as `column_count`. To
 * compare a layout with the canonical files line by line, pass these as `malformedKinds` to both.
 */
export const EXACT_MALFORMED_KINDS: Readonly<Record<Layout, readonly MalformedKind[]>> = {
  canonical: MALFORMED_KINDS,
  greenbyte: ['column_count', 'bad_timestamp'],
  'single-turbine': ['column_count', 'bad_timestamp'],
  european: MALFORMED_KINDS,
};

/** Turbine `turbineId`'s name in `layout`: `7`, `Kelmarsh 7`, `T7` or `R80707`. */
export function layoutTurbineName(layout: Layout, turbineId: number): string {
  switch (layout) {
    case 'canonical':
      return String(turbineId);
    case 'greenbyte':
      return greenbyteTurbineName(turbineId);
    case 'single-turbine':
      return singleTurbineName(turbineId);
    case 'european':
      return europeanTurbineName(turbineId);
  }
}

/**
 * Lines before the header in `layout`'s files (9 for greenbyte, else 0). A data line's number in
 * a layout file is its canonical number plus this, when the canonical file holds the same
 * turbines (for greenbyte and single-turbine: one turbine per canonical file, files = turbines).
 */
export function layoutPreambleLines(layout: Layout): number {
  return LAYOUT_SPECS[layout].preambleLines;
}

/** Every file of the data set in `options.layout`, in writing order. Throws on invalid options. */
export function planLayoutFiles(options: GeneratorOptions | ResolvedOptions = {}): LayoutFile[] {
  const o = 'startMs' in options ? options : resolveOptions(options);
  const spec = LAYOUT_SPECS[o.layout];
  return planFiles(o).flatMap((source) => spec.files(o, source));
}
