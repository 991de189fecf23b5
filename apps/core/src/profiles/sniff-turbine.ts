/**
 * Where a sniffed profile takes the turbine's name from: a turbine column, a `# Turbine: X`
 * preamble line, or the file's name. Pure.
 */
import { turbineName } from './input-profile.js';

export type SniffedTurbine = { from: 'column' } | { from: 'preamble'; pattern: string } | { from: 'fileName'; pattern: string };

export interface TurbineGuess {
  value: SniffedTurbine;
  note: string;
  undecided: string | null;
}

/** A preamble line that names the turbine: prefix, label, separator, name. */
const PREAMBLE_TURBINE = /^([^A-Za-z0-9]*)(turbine(?: name| id)?|wind turbine|wtg)(\s*[:=]\s*)(.+)$/i;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * The turbine source: the turbine column when the header has one (`names` are its first
 * values), else a preamble line like `# Turbine: Kelmarsh 1` (the pattern keeps the prefix,
 * label and separator as written: `^# Turbine: (.+)$`), else the file name without its `.csv`
 * (`^(.+)\.[Cc][Ss][Vv]$`). A name that is empty or longer than 64 characters is undecided.
 */
export function sniffTurbine(
  preamble: readonly string[],
  column: { name: string; names: readonly string[] } | null,
  bareName: string,
): TurbineGuess {
  const line = preamble.map((text) => ({ text, m: PREAMBLE_TURBINE.exec(text.trimEnd()) })).find(({ m }) => m !== null);
  if (column !== null) {
    const distinct = [...new Set(column.names.map((n) => n.trim()).filter((n) => turbineName(n) !== null))];
    const bad = [...new Set(column.names.map((n) => n.trim()).filter((n) => turbineName(n) === null))];
    // A few lines with bad names are lines to reject (bad_turbine_id); mostly bad names mean the wrong column.
    const badLines = column.names.filter((n) => turbineName(n) === null).length;
    const mostlyBad = badLines * 2 > column.names.length;
    const shown =
      distinct
        .slice(0, 3)
        .map((n) => JSON.stringify(n))
        .join(', ') + (distinct.length > 3 ? ', ...' : '');
    const also = line ? `; the preamble also names one: ${JSON.stringify(line.text)}` : '';
    return {
      value: { from: 'column' },
      note:
        `turbine: from the column ${JSON.stringify(column.name)} (${distinct.length} ${distinct.length === 1 ? 'name' : 'names'} in the first lines: ${shown}${also})` +
        (badLines > 0 && !mostlyBad
          ? `; ${badLines} ${badLines === 1 ? 'line has a name' : 'lines have names'} empty or longer than 64 characters: rejected as bad_turbine_id when loaded`
          : ''),
      undecided: mostlyBad
        ? `turbine: the column ${JSON.stringify(column.name)} holds names that are empty or longer than 64 characters (${bad
            .slice(0, 2)
            .map((n) => JSON.stringify(n))
            .join(', ')})`
        : null,
    };
  }
  if (line) {
    const [, prefix, label, separator, name] = line.m!;
    const pattern = `^${escapeRegExp(`${prefix}${label}${separator}`)}(.+)$`;
    return checked({ from: 'preamble', pattern }, name!, `the preamble line ${JSON.stringify(line.text)}`);
  }
  const csv = /\.csv$/i.test(bareName);
  const pattern = csv ? '^(.+)\\.[Cc][Ss][Vv]$' : '^(.+)$';
  const name = csv ? bareName.slice(0, -4) : bareName;
  return checked({ from: 'fileName', pattern }, name, `the file name (no turbine column and no "Turbine:" line in the preamble)`);
}

function checked(value: SniffedTurbine, name: string, source: string): TurbineGuess {
  const pattern = 'pattern' in value ? value.pattern : '';
  const note = `turbine: from ${source}, pattern ${pattern}: this file's turbine is ${JSON.stringify(name.trim())}`;
  if (turbineName(name) !== null) return { value, note, undecided: null };
  return {
    value,
    note,
    undecided: `turbine: ${JSON.stringify(name.trim())} is not a turbine name (1 to 64 characters); edit turbine.pattern so its group captures the name, or write {"value": "..."}`,
  };
}
