/**
 * The single-turbine SCADA layout (the public one-turbine data set of 2018; the loader's
 * `single-turbine` preset): one windows-1252 file per turbine named after it (`T7.csv`), no
 * turbine column, day-first UTC times without seconds, power in kW, the manufacturer's power
 * curve beside it, an empty cell for missing, LF line endings.
 */
import type { LineFormat, RowCells } from '../line-format.js';
import { RATED_POWER, powerCurve } from '../value-model.js';
import { createValueSpeller } from './layout-cells.js';
import { createDayFirstRespeller } from './layout-time.js';
import { filePerTurbine, type LayoutSpec } from './layout-spec.js';

/** Turbine `id` as the file name gives it: `T7`. */
export const singleTurbineName = (turbineId: number): string => `T${turbineId}`;

/** The header; its `°` is the one byte 0xB0 in windows-1252, the only character beyond ASCII in these files. */
export const SINGLE_TURBINE_HEADER = 'Date/Time,LV ActivePower (kW),Wind Speed (m/s),Theoretical_Power_Curve (KWh),Wind Direction (°)';

const PLAIN_DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;

/**
 * The manufacturer's curve (value-model.ts's, in kW, three decimals) at the wind speed the row
 * states: 0 when that cell is missing or not a number.
 */
export function theoreticalPowerKw(windSpeedCell: string): string {
  if (!PLAIN_DECIMAL.test(windSpeedCell)) return '0';
  return String(Math.round(powerCurve(Number(windSpeedCell), RATED_POWER) * 1_000_000) / 1000);
}

/**
 * Data lines `01 03 2022 00:10,1500,8.3,1523.417,216`. A bad-turbine line has no equivalent (the
 * turbine is the file's name): it loses its last cell instead, so it is still rejected at step 1,
 * as `column_count`.
 */
function lineFormat(): LineFormat {
  const time = createDayFirstRespeller(' ', 'UTC');
  const number = createValueSpeller({ kilo: false, decimalComma: false, missing: '' });
  const kilowatts = createValueSpeller({ kilo: true, decimalComma: false, missing: '' });
  const order = (row: RowCells): string[] => [
    time(row.timestamp),
    kilowatts(row.power_output),
    number(row.wind_speed),
    theoreticalPowerKw(row.wind_speed),
    number(row.wind_direction),
  ];
  const join = (cells: readonly string[]): string => cells.join(',');
  return {
    header: SINGLE_TURBINE_HEADER,
    eol: '\n',
    order,
    join,
    line: (row, turbineId) => {
      const cells = order(row);
      if (row.turbine_id !== String(turbineId)) cells.pop();
      return join(cells);
    },
  };
}

export const SINGLE_TURBINE: LayoutSpec = {
  files: (_o, source) => filePerTurbine(source, 'latin1', (id) => `${singleTurbineName(id)}.csv`),
  header: () => SINGLE_TURBINE_HEADER,
  lineFormat,
  preambleLines: 0,
};
