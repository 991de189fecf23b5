import { createDerateLookup } from './derate.js';
import { createLineFormat, createTimestampFormatter, formatTenths, type LineFormat } from './line-format.js';
import { createInjector } from './messiness.js';
import { resolveOptions, type GeneratorOptions, type ResolvedOptions } from './options.js';
import type { PlannedFile } from './planner.js';
import { createRandom } from './prng.js';
import { createTurbineModel, readingAt } from './value-model.js';

export { planFiles, shapeForRows, type PlannedFile } from './planner.js';
export { resolveOptions, type GeneratorOptions, type ResolvedOptions } from './options.js';
export { createDerateLookup, parseDerate, type Derate, type DerateLookup } from './derate.js';

function isClean(o: ResolvedOptions): boolean {
  return o.missingRate + o.outlierRate + o.duplicateRate + o.malformedRate + o.gapRate + o.outOfOrderRate === 0;
}

/** A data line and the slot (position in `file.turbineIds`) of the turbine it is about. */
export interface DataLine {
  slot: number;
  text: string;
}

/**
 * The data lines of one planned file spelled by `format`, without line endings, each with its
 * turbine's slot. Rows are ordered by timestamp, then turbine id, apart from lines held back by
 * `outOfOrderRate`. The `timestamp` cell is in `o.format.timestamps` for the canonical layout and
 * always naive (`2022-03-01 00:00:00`, UTC) for the others, whose formats respell it. The yielded
 * object may be reused for the next line: read it before asking for the next.
 */
export function* generateDataLines(o: ResolvedOptions, file: PlannedFile, format: LineFormat): Generator<DataLine, void, undefined> {
  const models = file.turbineIds.map((id) => createTurbineModel(o.seed, id));
  const derateAt = createDerateLookup(o.derates);
  const injector = isClean(o) ? null : createInjector(o, format, createRandom(o.seed, 'file', file.name), models.length);
  const style = o.layout === 'canonical' ? o.format.timestamps : 'naive';
  const formatTimestamp = createTimestampFormatter(style, o.format.utcOffsetMinutes);

  const out: DataLine = { slot: 0, text: '' };
  for (let s = 0; s < file.stepCount; s += 1) {
    const epochSeconds = o.startMs / 1000 + (file.firstStep + s) * o.intervalSeconds;
    const timestamp = formatTimestamp(epochSeconds * 1000);
    for (let slot = 0; slot < models.length; slot += 1) {
      const model = models[slot]!;
      const reading = readingAt(model, epochSeconds, derateAt(model.id, epochSeconds));
      if (injector === null) {
        const row = {
          timestamp,
          turbine_id: String(model.id),
          wind_speed: formatTenths(reading.windSpeed),
          wind_direction: String(reading.windDirection),
          power_output: formatTenths(reading.powerOutput),
        };
        out.slot = slot;
        out.text = format.line(row, model.id);
        yield out;
        continue;
      }
      yield* injector.lines(timestamp, slot, model.id, reading);
    }
  }
  if (injector !== null) yield* injector.flush();
}

/**
 * The lines of one planned file in the canonical layout, header first, each with its line ending
 * (the last one without, when `format.finalNewline` is false; the BOM, when asked for, starts the
 * header), so the file's content is the lines concatenated. Lazy: a file of any size streams in
 * constant memory, apart from lines held back by `outOfOrderRate`. Rows are ordered by timestamp,
 * then turbine id. Deterministic: the same options and file give the same text, whatever else is
 * generated. Throws for another `layout` (see `generateLayoutLines` in `layouts/layout-lines.ts`).
 */
export function* generateFileLines(options: GeneratorOptions | ResolvedOptions, file: PlannedFile): Generator<string, void, undefined> {
  const o = 'startMs' in options ? options : resolveOptions(options);
  if (o.layout !== 'canonical')
    throw new RangeError(`generateFileLines writes the canonical layout, not ${o.layout}: use generateLayoutLines`);
  const format = createLineFormat(o.format);
  const { eol } = format;
  // One line is held back so the last can be written without its line ending if asked.
  let pending = format.header;
  for (const line of generateDataLines(o, file, format)) {
    yield pending + eol;
    pending = line.text;
  }
  yield o.format.finalNewline ? pending + eol : pending;
}

/** A whole file's text; for fixtures and tests, where files are small. */
export function generateFileText(options: GeneratorOptions | ResolvedOptions, file: PlannedFile): string {
  let text = '';
  for (const line of generateFileLines(options, file)) text += line;
  return text;
}
