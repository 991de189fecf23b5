/**
 * The columns of a Greenbyte turbine-data export (as in the open Kelmarsh data): the four Windmill
 * reads among some 300 others, and cheap stand-in values for those others. The filler values are
 * decoration for the reader to skip: a few precomputed rows of them are reused line after line.
 */
import { hashUnit, keyOf } from '../prng.js';

/** A signal and its unit; `stats` adds its standard deviation, minimum and maximum columns. */
type Signal = [name: string, unit: string, typical: number, stats: boolean];

/** Greenbyte's signals, in the export's order; the first of each group is the one Windmill reads. */
const SIGNALS: readonly Signal[] = [
  ['Wind speed', 'm/s', 8, true],
  ['Long Term Wind', 'm/s', 7.1, false],
  ['Wind speed Sensor 1', 'm/s', 8, true],
  ['Wind speed Sensor 2', 'm/s', 8, true],
  ['Density adjusted wind speed', 'm/s', 8, true],
  ['Wind direction', '°', 180, true],
  ['Nacelle position', '°', 180, true],
  ['Vane position 1+2', '°', 0.5, true],
  ['Energy Export', 'kWh', 320, false],
  ['Energy Export counter', 'kWh', 41_000_000, false],
  ['Energy Import', 'kWh', 0.4, false],
  ['Energy Import counter', 'kWh', 290_000, false],
  ['Lost Production (Contractual)', 'kWh', 0, false],
  ['Lost Production (Time-based IEC B.2.2)', 'kWh', 0, false],
  ['Lost Production (Time-based IEC B.2.3)', 'kWh', 0, false],
  ['Lost Production (Time-based IEC B.2.4)', 'kWh', 0, false],
  ['Lost Production (Production-based IEC B.3.2)', 'kWh', 0, false],
  ['Lost Production to Downtime and Curtailment Total', 'kWh', 0, false],
  ['Lost Production to Curtailment Total', 'kWh', 0, false],
  ['Lost Production to Downtime Total', 'kWh', 0, false],
  ['Energy Budget - Default', 'kWh', 330, false],
  ['Energy Theoretical', 'kWh', 335, false],
  ['Power', 'kW', 1500, true],
  ['Potential power default PC', 'kW', 1550, true],
  ['Potential power learned PC', 'kW', 1540, true],
  ['Potential power reference turbines', 'kW', 1520, true],
  ['Cascading potential power', 'kW', 1530, true],
  ['Cascading potential power for performance', 'kW', 1530, true],
  ['Potential power met mast anemometer', 'kW', 1510, true],
  ['Potential power primary reference turbines', 'kW', 1525, true],
  ['Potential power secondary reference turbines', 'kW', 1515, true],
  ['Turbine Power setpoint', 'kW', 2050, true],
  ['Available Capacity for Production', 'kW', 2050, false],
  ['Available Capacity for Production (Planned)', 'kW', 2050, false],
  ['Time-based Contractual Avail.', '%', 100, false],
  ['Time-based IEC B.2.2 (Users View)', '%', 100, false],
  ['Time-based IEC B.2.3 (Users View)', '%', 100, false],
  ['Time-based IEC B.2.4 (Users View)', '%', 100, false],
  ['Production-based IEC B.3.2 (Users View)', '%', 100, false],
  ['Reactive power', 'kvar', -12, true],
  ['Apparent power', 'kVA', 1510, true],
  ['Power factor (cosphi)', '', 0.99, true],
  ['Blade angle (pitch position) A', '°', 1.2, true],
  ['Blade angle (pitch position) B', '°', 1.2, true],
  ['Blade angle (pitch position) C', '°', 1.2, true],
  ['Rotor speed', 'RPM', 14.5, true],
  ['Generator RPM', 'RPM', 1450, true],
  ['Gearbox speed', 'RPM', 1450, true],
  ['Gear oil temperature', '°C', 55, true],
  ['Gear oil inlet temperature', '°C', 50, true],
  ['Gear oil inlet pressure', 'bar', 2.6, true],
  ['Gear oil pump pressure', 'bar', 7.8, true],
  ['Front bearing temperature', '°C', 30, true],
  ['Rear bearing temperature', '°C', 32, true],
  ['Generator bearing front temperature', '°C', 38, true],
  ['Generator bearing rear temperature', '°C', 40, true],
  ['Rotor bearing temp', '°C', 24, true],
  ['Stator temperature 1', '°C', 62, true],
  ['Nacelle temperature', '°C', 24, true],
  ['Nacelle ambient temperature', '°C', 9, true],
  ['Ambient temperature (converter)', '°C', 21, true],
  ['Transformer temperature', '°C', 58, true],
  ['Hub temperature', '°C', 15, true],
  ['Spinner temperature', '°C', 12, true],
  ['CPU temperature', '°C', 41, true],
  ['Temperature motor axis 1', '°C', 25, true],
  ['Temperature motor axis 2', '°C', 25, true],
  ['Temperature motor axis 3', '°C', 25, true],
  ['Temperature battery box axis 1', '°C', 21, true],
  ['Temperature battery box axis 2', '°C', 21, true],
  ['Temperature battery box axis 3', '°C', 21, true],
  ['Temperature axis box axis 1', '°C', 23, true],
  ['Temperature axis box axis 2', '°C', 23, true],
  ['Temperature axis box axis 3', '°C', 23, true],
  ['Temp. top box', '°C', 26, true],
  ['Hydraulic oil temperature', '°C', 33, true],
  ['Motor current axis 1', 'A', 3.1, true],
  ['Motor current axis 2', 'A', 3.1, true],
  ['Motor current axis 3', 'A', 3.1, true],
  ['Grid frequency', 'Hz', 50, true],
  ['Grid voltage', 'V', 690, true],
  ['Grid current', 'A', 1250, true],
  ['Voltage L1 / U', 'V', 398, true],
  ['Voltage L2 / V', 'V', 398, true],
  ['Voltage L3 / W', 'V', 398, true],
  ['Current L1 / U', 'A', 1250, true],
  ['Current L2 / V', 'A', 1250, true],
  ['Current L3 / W', 'A', 1250, true],
  ['Tower Acceleration X', 'mm/ss', 21, true],
  ['Tower Acceleration y', 'mm/ss', 19, true],
  ['Drive train acceleration', 'mm/ss', 6.5, true],
  ['Cable windings from calibration point', '', 1.4, false],
  ['Yaw bearing angle', '°', 180, false],
  ['Metal particle count', '', 310, false],
  ['Metal particle count counter', '', 5200, false],
];

const STATS = ['', ', Standard deviation', ', Minimum', ', Maximum'];

const withUnit = (name: string, unit: string): string => (unit === '' ? name : `${name} (${unit})`);

/** Every column name, `Date and time` first; the mapped ones are `Wind speed (m/s)`, `Wind direction (°)` and `Power (kW)`. */
export const GREENBYTE_COLUMNS: readonly string[] = [
  'Date and time',
  ...SIGNALS.flatMap(([name, unit, , stats]) => (stats ? STATS : ['']).map((stat) => withUnit(`${name}${stat}`, unit))),
];

/** Column names as a CSV header (RFC 4180: names with a comma are quoted). */
export const GREENBYTE_HEADER = GREENBYTE_COLUMNS.map((c) => (c.includes(',') ? `"${c}"` : c)).join(',');

/** How many rows of filler values are made; lines take them in turn. */
export const FILLER_ROWS = 8;

/**
 * Filler values for every column (the mapped columns get an empty placeholder), row `row` of
 * FILLER_ROWS: around the signal's typical value, with its spread for the statistics, and `NaN`
 * for about one cell in twenty, as real exports have gaps. Fixed: they depend on nothing.
 */
export function fillerCells(row: number): string[] {
  const key = keyOf('greenbyte filler');
  const cells: string[] = [''];
  SIGNALS.forEach(([, , typical, stats], s) => {
    (stats ? STATS : ['']).forEach((_, stat) => {
      const u = hashUnit(key, s * 4 + stat, row);
      if (u < 0.05) {
        cells.push('NaN');
        return;
      }
      const spread = Math.abs(typical) * 0.2 + 0.1;
      const value = stat === 1 ? spread * u * 0.5 : typical + spread * (stat === 2 ? -u : stat === 3 ? u : 2 * u - 1);
      cells.push(String(Math.round(value * 1000) / 1000));
    });
  });
  return cells;
}
