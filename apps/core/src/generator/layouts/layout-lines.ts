import { resolveOptions, type GeneratorOptions, type ResolvedOptions } from '../options.js';
import { planFiles, type PlannedFile } from '../planner.js';
import { generateDataLines } from '../telemetry.js';
import type { LayoutFile } from './layout-spec.js';
import { LAYOUT_SPECS } from './layouts.js';

/** A line of the layout file `files[file]` (see `generateLayoutLines`), with its line ending. */
export interface LayoutLine {
  file: number;
  text: string;
}

/**
 * The files `options.layout` makes of one canonical planned file (`source`), and their lines.
 * Lines arrive in generation order, each tagged with the index of its file in `files`; a file's
 * first line is its preamble and header, then its data lines in the canonical order, each with
 * its line ending (the last without, when `format.finalNewline` is false). One pass over the
 * source, whatever the number of files, so a turbine's lines get the messiness decisions they
 * get in the canonical file. Lazy; the yielded object is reused: read it before the next.
 */
export function generateLayoutLines(
  options: GeneratorOptions | ResolvedOptions,
  source: PlannedFile,
): { files: LayoutFile[]; lines: Generator<LayoutLine, void, undefined> } {
  const o = 'startMs' in options ? options : resolveOptions(options);
  const spec = LAYOUT_SPECS[o.layout];
  const files = spec.files(o, source);
  return { files, lines: layoutLines(o, source, files) };
}

function* layoutLines(o: ResolvedOptions, source: PlannedFile, files: readonly LayoutFile[]): Generator<LayoutLine, void, undefined> {
  const spec = LAYOUT_SPECS[o.layout];
  const format = spec.lineFormat(o);
  const { eol } = format;
  // A file per turbine takes its turbine's lines; a file of the whole source takes every line.
  const fileOfSlot = source.turbineIds.map((id) => files.findIndex((f) => f.turbineId === id || f.turbineId === null));
  // Each file holds back one line so its last can be written without its line ending if asked.
  const pending = files.map((file) => spec.header(o, file));
  const out: LayoutLine = { file: 0, text: '' };
  for (const line of generateDataLines(o, source, format)) {
    const file = fileOfSlot[line.slot]!;
    out.file = file;
    out.text = pending[file] + eol;
    pending[file] = line.text;
    yield out;
  }
  for (const [file, last] of pending.entries()) {
    out.file = file;
    out.text = o.format.finalNewline ? last + eol : last;
    yield out;
  }
}

/** A layout file and its whole text (before encoding: see `LayoutFile.encoding`). */
export interface LayoutText {
  file: LayoutFile;
  text: string;
}

/** Every file of the data set in `options.layout` with its text; for tests, where data sets are small. */
export function generateLayoutTexts(options: GeneratorOptions | ResolvedOptions = {}): LayoutText[] {
  const o = 'startMs' in options ? options : resolveOptions(options);
  return planFiles(o).flatMap((source) => {
    const { files, lines } = generateLayoutLines(o, source);
    const texts = files.map(() => '');
    for (const line of lines) texts[line.file] += line.text;
    return files.map((file, i) => ({ file, text: texts[i]! }));
  });
}

/** The bytes of a layout file's text, in its encoding (windows-1252 for single-turbine). */
export function encodeLayoutText(file: LayoutFile, text: string): Buffer {
  return Buffer.from(text, file.encoding);
}
