/**
 * The European spreadsheet layout (column names as in the open La Haute Borne data; the loader's
 * `european` preset): `;` separated, decimal commas, day-first local times in Europe/Paris
 * without seconds, turbine names in a column (`R80711`), power in kW, an empty cell for missing,
 * CRLF line endings as a spreadsheet on Windows saves them. Files are split and named as the
 * canonical ones.
 */
import type { LineFormat, RowCells } from '../line-format.js';
import { createValueSpeller } from './layout-cells.js';
import { createDayFirstRespeller } from './layout-time.js';
import type { LayoutSpec } from './layout-spec.js';

/** Turbine `id` as this export names it: `R80711` for 11. */
export const europeanTurbineName = (turbineId: number): string => `R${80_700 + turbineId}`;

export const EUROPEAN_HEADER = 'Wind_turbine_name;Date_time;P_avg;Ws_avg;Wa_avg';
/** The zone its naive times are written in. */
export const EUROPEAN_TIME_ZONE = 'Europe/Paris';

/** Longest turbine name a reader accepts (SPEC section 8): one more is refused. */
const MAX_TURBINE_NAME = 64;

/**
 * The name cell for a canonical turbine cell: the turbine's name for its own id; for a bad id
 * (which any 1-64 character text would not be here) an empty cell, or a name one character too
 * long, so the line is still rejected as `bad_turbine_id`.
 */
function nameCell(cell: string, turbineId: number): string {
  if (cell === String(turbineId)) return europeanTurbineName(turbineId);
  return cell === '' ? '' : `${cell}-`.padEnd(MAX_TURBINE_NAME + 1, 'x');
}

/** Data lines `R80711;01.03.2022 01:00;1500;8,3;216`. */
function lineFormat(): LineFormat {
  const time = createDayFirstRespeller('.', EUROPEAN_TIME_ZONE);
  const number = createValueSpeller({ kilo: false, decimalComma: true, missing: '' });
  const kilowatts = createValueSpeller({ kilo: true, decimalComma: true, missing: '' });
  const order = (row: RowCells, turbineId: number): string[] => [
    nameCell(row.turbine_id, turbineId),
    time(row.timestamp),
    kilowatts(row.power_output),
    number(row.wind_speed),
    number(row.wind_direction),
  ];
  const join = (cells: readonly string[]): string => cells.join(';');
  return { header: EUROPEAN_HEADER, eol: '\r\n', order, join, line: (row, turbineId) => join(order(row, turbineId)) };
}

export const EUROPEAN: LayoutSpec = {
  files: (_o, source) => [{ name: source.name, source, turbineId: null, encoding: 'utf-8' }],
  header: () => EUROPEAN_HEADER,
  lineFormat,
  preambleLines: 0,
};
