import { createDerateLookup } from './derate.js';
import { createLineFormat, createTimestampFormatter, formatTenths } from './line-format.js';
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

/**
 * The lines of one planned file, header first, each with its line ending (the last one without,
 * when `format.finalNewline` is false; the BOM, when asked for, starts the header), so the file's
 * content is the lines concatenated. Lazy: a file of any size streams in constant memory, apart
 * from lines held back by `outOfOrderRate`. Rows are ordered by timestamp, then turbine id.
 * Deterministic: the same options and file give the same text, whatever else is generated.
 */
export function* generateFileLines(options: GeneratorOptions | ResolvedOptions, file: PlannedFile): Generator<string, void, undefined> {
  const o = 'startMs' in options ? options : resolveOptions(options);
  const format = createLineFormat(o.format);
  const { eol } = format;
  const models = file.turbineIds.map((id) => createTurbineModel(o.seed, id));
  const derateAt = createDerateLookup(o.derates);
  const injector = isClean(o) ? null : createInjector(o, format, createRandom(o.seed, 'file', file.name), models.length);
  const formatTimestamp = createTimestampFormatter(o.format.timestamps, o.format.utcOffsetMinutes);

  // One line is held back so the last can be written without its line ending if asked.
  let pending = format.header;
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
        yield pending + eol;
        pending = format.line(row, model.id);
        continue;
      }
      for (const line of injector.lines(timestamp, slot, model.id, reading)) {
        yield pending + eol;
        pending = line;
      }
    }
  }
  for (const line of injector?.flush() ?? []) {
    yield pending + eol;
    pending = line;
  }
  yield o.format.finalNewline ? pending + eol : pending;
}

/** A whole file's text; for fixtures and tests, where files are small. */
export function generateFileText(options: GeneratorOptions | ResolvedOptions, file: PlannedFile): string {
  let text = '';
  for (const line of generateFileLines(options, file)) text += line;
  return text;
}
