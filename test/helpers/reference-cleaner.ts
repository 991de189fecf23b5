/**
 * An independent, deliberately naive implementation of the input and cleaning rules for tests: whole file in memory,
 * plain loops, no code shared with the product. It reads files without quoted fields (what the
 * generator writes unless asked to quote), naive timestamps in UTC.
 */

export interface RefCleanReading {
  turbineId: number;
  ts: number;
  windSpeed: number | null;
  windDirection: number | null;
  power: number;
  imputed: { windSpeed: boolean; windDirection: boolean; power: boolean };
}

export interface RefFileResult {
  total: number;
  loaded: number;
  imputed: number;
  duplicate: number;
  rejected: Array<{ line: number; reason: string }>;
  readings: RefCleanReading[];
}

const MISSING = ['', 'na', 'nan', 'null', '-'];
const BOUNDS = { windSpeed: [0, 50], power: [0, 20] } as const;

function parseTs(text: string): number | null {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})$/.exec(text.trim());
  if (!m) return null;
  const iso = `${m[1]}T${m[2]}`;
  const ms = Date.parse(`${iso}Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 19) !== iso) return null;
  return ms;
}

function parseValue(text: string | undefined): number | null {
  if (text === undefined) return null;
  const t = text.trim();
  if (MISSING.includes(t.toLowerCase())) return null;
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(t)) return null;
  return Number(t);
}

export function referenceCleanFile(text: string, maxGapSeconds = 7200): RefFileResult {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const header = lines[0]!.split(',').map((h) => h.trim().toLowerCase());
  const col = (name: string) => header.indexOf(name);
  const result: RefFileResult = { total: lines.length - 1, loaded: 0, imputed: 0, duplicate: 0, rejected: [], readings: [] };

  type Row = { line: number; turbineId: number; ts: number; values: Array<number | null> };
  const byKey = new Map<string, Row>();
  lines.slice(1).forEach((raw, index) => {
    const line = index + 2;
    const f = raw.split(',');
    if (f.length !== header.length) return result.rejected.push({ line, reason: 'column_count' });
    const ts = parseTs(f[col('timestamp')]!);
    if (ts === null) return result.rejected.push({ line, reason: 'bad_timestamp' });
    const idText = f[col('turbine_id')]!.trim();
    if (!/^\d+$/.test(idText) || Number(idText) < 1) return result.rejected.push({ line, reason: 'bad_turbine_id' });
    const ws = parseValue(f[col('wind_speed')]);
    const wd = parseValue(f[col('wind_direction')]);
    const p = parseValue(f[col('power_output')]);
    const values = [
      ws !== null && ws >= BOUNDS.windSpeed[0] && ws <= BOUNDS.windSpeed[1] ? ws : null,
      wd !== null && wd >= 0 && wd < 360 ? wd : null,
      p !== null && p >= BOUNDS.power[0] && p <= BOUNDS.power[1] ? p : null,
    ];
    const key = `${idText}|${ts}`;
    if (byKey.has(key)) result.duplicate++;
    byKey.set(key, { line, turbineId: Number(idText), ts, values });
    return undefined;
  });

  const byTurbine = new Map<number, Row[]>();
  for (const row of byKey.values()) byTurbine.set(row.turbineId, [...(byTurbine.get(row.turbineId) ?? []), row]);
  const gap = maxGapSeconds * 1000;
  for (const rows of byTurbine.values()) {
    rows.sort((a, b) => a.ts - b.ts);
    for (const [i, row] of rows.entries()) {
      const filled: Array<number | null> = [];
      const imputed: boolean[] = [];
      for (let field = 0; field < 3; field++) {
        if (row.values[field] !== null) {
          filled.push(row.values[field]!);
          imputed.push(false);
          continue;
        }
        let before: Row | undefined;
        for (let j = i - 1; j >= 0 && !before; j--) if (rows[j]!.values[field] !== null) before = rows[j];
        let after: Row | undefined;
        for (let j = i + 1; j < rows.length && !after; j++) if (rows[j]!.values[field] !== null) after = rows[j];
        if (!before || !after || row.ts - before.ts > gap || after.ts - row.ts > gap) {
          filled.push(null);
          imputed.push(false);
          continue;
        }
        const share = (row.ts - before.ts) / (after.ts - before.ts);
        const v0 = before.values[field]!;
        const v1 = after.values[field]!;
        if (field === 1) {
          let delta = v1 - v0;
          while (delta > 180) delta -= 360;
          while (delta <= -180) delta += 360;
          filled.push((((v0 + delta * share) % 360) + 360) % 360);
        } else {
          filled.push(v0 + (v1 - v0) * share);
        }
        imputed.push(true);
      }
      if (filled[2] === null) {
        result.rejected.push({ line: row.line, reason: 'missing_power' });
        continue;
      }
      result.loaded++;
      if (imputed.some(Boolean)) result.imputed++;
      result.readings.push({
        turbineId: row.turbineId,
        ts: row.ts,
        windSpeed: filled[0]!,
        windDirection: filled[1]!,
        power: filled[2]!,
        imputed: { windSpeed: imputed[0]!, windDirection: imputed[1]!, power: imputed[2]! },
      });
    }
  }
  result.rejected.sort((a, b) => a.line - b.line);
  return result;
}
