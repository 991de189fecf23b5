/**
 * Built-in profiles for three public layouts (SPEC section 8). A profile names one with `preset`
 * and overrides any of its fields; `name` and `match` are always its own.
 */
import type { InputProfile } from './input-profile.js';

export type PresetName = 'greenbyte' | 'single-turbine' | 'european';
export type Preset = Partial<Omit<InputProfile, 'name' | 'match' | 'preset'>>;

export const PRESETS: Record<PresetName, Preset> = {
  /**
   * Greenbyte exports (the open Kelmarsh and Penmanshiel data): a `# ` preamble whose last line is
   * the header, the turbine named in `# Turbine: ...`, 10-minute averages in kW, `NaN` for missing.
   */
  greenbyte: {
    encoding: 'utf-8',
    delimiter: ',',
    decimalSeparator: '.',
    commentPrefix: '#',
    headerPrefix: '# ',
    missingValues: ['NaN'],
    columns: {
      timestamp: 'Date and time',
      power_output: 'Power (kW)',
      wind_speed: 'Wind speed (m/s)',
      wind_direction: 'Wind direction (°)',
    },
    timestampFormat: '%Y-%m-%d %H:%M:%S',
    timezone: 'UTC',
    units: { power_output: 'kW', wind_speed: 'm/s' },
    turbine: { from: 'preamble', pattern: '^# Turbine: (.+)$' },
  },
  /**
   * The single-turbine SCADA export (one 3.6 MW turbine, 2018): windows-1252 text, day-first times
   * without seconds, power in kW, no turbine column: the file's name is the turbine's.
   */
  'single-turbine': {
    encoding: 'windows-1252',
    delimiter: ',',
    decimalSeparator: '.',
    columns: {
      timestamp: 'Date/Time',
      power_output: 'LV ActivePower (kW)',
      wind_speed: 'Wind Speed (m/s)',
      wind_direction: 'Wind Direction (°)',
    },
    timestampFormat: '%d %m %Y %H:%M',
    timezone: 'UTC',
    units: { power_output: 'kW', wind_speed: 'm/s' },
    turbine: { from: 'fileName', pattern: '^(.+)\\.[Cc][Ss][Vv]$' },
  },
  /**
   * A continental spreadsheet export (column names as in the open La Haute Borne data): `;`
   * separated, decimal commas, day-first dotted local times, turbine names in a column, kW.
   */
  european: {
    encoding: 'utf-8',
    delimiter: ';',
    decimalSeparator: ',',
    columns: {
      timestamp: 'Date_time',
      turbine_id: 'Wind_turbine_name',
      power_output: 'P_avg',
      wind_speed: 'Ws_avg',
      wind_direction: 'Wa_avg',
    },
    timestampFormat: '%d.%m.%Y %H:%M',
    timezone: 'Europe/Paris',
    units: { power_output: 'kW', wind_speed: 'm/s' },
    turbine: { from: 'column' },
  },
};
