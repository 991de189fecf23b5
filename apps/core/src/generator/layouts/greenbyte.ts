/**
 * The Greenbyte layout (the open Kelmarsh data; the loader's `greenbyte` preset): one UTF-8 file
 * per turbine and period, a `#` preamble naming the turbine whose last line is the header of some
 * 300 columns, naive UTC times, power in kW, `NaN` for missing, LF line endings.
 */
import type { LineFormat, RowCells } from '../line-format.js';
import type { ResolvedOptions } from '../options.js';
import { FILLER_ROWS, GREENBYTE_COLUMNS, GREENBYTE_HEADER, fillerCells } from './greenbyte-columns.js';
import { createValueSpeller } from './layout-cells.js';
import { dayOf, filePerTurbine, type LayoutFile, type LayoutSpec } from './layout-spec.js';

/** Turbine `id` as Greenbyte names it: `Kelmarsh 7`. */
export const greenbyteTurbineName = (turbineId: number): string => `Kelmarsh ${turbineId}`;

/** `Turbine_Data_Kelmarsh_<id>_<first day>_-_<last day>_<228 + id>.csv`, as the Kelmarsh files are named. */
export function greenbyteFileName(turbineId: number, firstDay: string, lastDay: string): string {
  return `Turbine_Data_Kelmarsh_${turbineId}_${firstDay}_-_${lastDay}_${228 + turbineId}.csv`;
}

/** Fixed, so the same options give the same bytes. */
const EXPORTED_AT = '2022-01-27 10:33:05';

function preamble(o: ResolvedOptions, file: LayoutFile): string[] {
  const { firstDay, dayCount } = file.source;
  const minutes = o.intervalSeconds / 60;
  return [
    `# This file was exported by Greenbyte at ${EXPORTED_AT}. (Synthetic sample data from Windmill's generator.)`,
    '#',
    `# Turbine: ${greenbyteTurbineName(file.turbineId!)}`,
    '# Turbine type: Windmill sample turbine (4.5 MW)',
    '# Time zone: UTC',
    `# Time interval: ${dayOf(o, firstDay)} 00:00:00 - ${dayOf(o, firstDay + dayCount)} 00:00:00 (${dayCount} ${dayCount === 1 ? 'day' : 'days'})`,
    '#',
    `# Data that is missing or is erroneous has been marked with the value "NaN"; ${Number.isInteger(minutes) ? `${minutes}-minute` : `${o.intervalSeconds}-second`} values`,
    '#',
  ];
}

const TIMESTAMP = 0;
const WIND_SPEED = GREENBYTE_COLUMNS.indexOf('Wind speed (m/s)');
const WIND_DIRECTION = GREENBYTE_COLUMNS.indexOf('Wind direction (°)');
const POWER = GREENBYTE_COLUMNS.indexOf('Power (kW)');

/** One precomputed filler row: all cells, and the text between the mapped cells for a fast `line`. */
interface Filler {
  cells: string[];
  /** Text after the timestamp, wind speed and wind direction cells, and after the power cell. */
  glue: [string, string, string, string];
}

function filler(row: number): Filler {
  const cells = fillerCells(row);
  const between = (from: number, to: number): string => (to > from + 1 ? `,${cells.slice(from + 1, to).join(',')},` : ',');
  return {
    cells,
    glue: [
      between(TIMESTAMP, WIND_SPEED),
      between(WIND_SPEED, WIND_DIRECTION),
      between(WIND_DIRECTION, POWER),
      POWER < cells.length - 1 ? `,${cells.slice(POWER + 1).join(',')}` : '',
    ],
  };
}

let fillers: Filler[] | null = null;

/**
 * Data lines of ~2 KB: the four mapped cells between precomputed filler rows taken in turn. A
 * bad-turbine line has no equivalent (the turbine is named in the preamble only): it loses its
 * last cell instead, so it is still rejected at step 1, as `column_count`.
 */
function lineFormat(): LineFormat {
  fillers ??= Array.from({ length: FILLER_ROWS }, (_, row) => filler(row));
  const rows = fillers;
  const number = createValueSpeller({ kilo: false, decimalComma: false, missing: 'NaN' });
  const kilowatts = createValueSpeller({ kilo: true, decimalComma: false, missing: 'NaN' });
  let next = 0;
  const take = (): Filler => {
    const row = rows[next]!;
    next = (next + 1) % rows.length;
    return row;
  };
  const order = (row: RowCells): string[] => {
    const cells = [...take().cells];
    cells[TIMESTAMP] = row.timestamp;
    cells[WIND_SPEED] = number(row.wind_speed);
    cells[WIND_DIRECTION] = number(row.wind_direction);
    cells[POWER] = kilowatts(row.power_output);
    return cells;
  };
  return {
    header: GREENBYTE_HEADER,
    eol: '\n',
    order,
    join: (cells) => cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(','),
    line: (row, turbineId) => {
      const { glue } = take();
      const text =
        row.timestamp +
        glue[0] +
        number(row.wind_speed) +
        glue[1] +
        number(row.wind_direction) +
        glue[2] +
        kilowatts(row.power_output) +
        glue[3];
      return row.turbine_id === String(turbineId) ? text : text.slice(0, text.lastIndexOf(','));
    },
  };
}

export const GREENBYTE: LayoutSpec = {
  files: (o, source) =>
    filePerTurbine(source, 'utf-8', (id) =>
      greenbyteFileName(id, dayOf(o, source.firstDay), dayOf(o, source.firstDay + source.dayCount - 1)),
    ),
  header: (o, file) => [...preamble(o, file), `# ${GREENBYTE_HEADER}`].join('\n'),
  lineFormat,
  preambleLines: 9,
};
