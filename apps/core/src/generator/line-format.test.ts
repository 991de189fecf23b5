import { formatTenths, formatTimestamp } from '@windmill/core/generator/line-format';
import { generateFileText, planFiles, type GeneratorOptions } from '@windmill/core/generator/telemetry';

const small: GeneratorOptions = { turbines: 2, days: 1, files: 1 };
const text = (options: GeneratorOptions): string => generateFileText({ ...small, ...options }, planFiles({ ...small, ...options })[0]!);

/** A small RFC 4180 reader for one line, independent of the generator's writer. */
function splitQuoted(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i]!;
    if (quoted && ch === '"' && line[i + 1] === '"') {
      cell += '"';
      i += 1;
    } else if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

describe('formatTenths', () => {
  it('always writes one decimal, like the challenge', () => {
    expect(['15.0', '4.0', '0.0', '0.1', '12.3', '-0.3', '-12.0', '0.0']).toEqual(
      [15, 4, 0, 0.1, 12.34, -0.3, -12, -0.04].map(formatTenths),
    );
  });
});

describe('formatTimestamp', () => {
  const instant = Date.UTC(2022, 2, 1, 23, 5, 9);
  it('writes each timestamp style the reader accepts for the same instant', () => {
    expect(formatTimestamp(instant, 'naive')).toBe('2022-03-01 23:05:09');
    expect(formatTimestamp(instant, 'iso-z')).toBe('2022-03-01T23:05:09Z');
    expect(formatTimestamp(instant, 'iso-ms-z')).toBe('2022-03-01T23:05:09.000Z');
    expect(formatTimestamp(instant, 'iso-offset', 120)).toBe('2022-03-02T01:05:09+02:00');
    expect(formatTimestamp(instant, 'iso-offset', -330)).toBe('2022-03-01T17:35:09-05:30');
    for (const offset of [120, -330]) expect(Date.parse(formatTimestamp(instant, 'iso-offset', offset))).toBe(instant);
  });
});

describe('format variations', () => {
  it('uses LF without BOM or quotes by default', () => {
    const plain = text({});
    expect(plain.startsWith('timestamp,')).toBe(true);
    expect(plain).not.toMatch(/[\r"\uFEFF]/);
    expect(plain.endsWith('\n')).toBe(true);
  });

  it('writes CRLF on every line, a BOM before the header, and no final newline when asked', () => {
    const crlf = text({ format: { lineEnding: '\r\n', bom: true } });
    expect(crlf.startsWith('\uFEFFtimestamp,turbine_id,')).toBe(true);
    expect(
      crlf
        .split('\n')
        .slice(0, -1)
        .every((l) => l.endsWith('\r')),
    ).toBe(true);
    expect(crlf.match(/\r\n/g)).toHaveLength(1 + 48);
    expect(crlf.indexOf('\uFEFF', 1)).toBe(-1);
    const open = text({ format: { finalNewline: false } });
    expect(open.endsWith('\n')).toBe(false);
    expect(open.split('\n')).toHaveLength(1 + 48);
  });

  it('writes ISO timestamps with Z, milliseconds or an offset', () => {
    expect(text({ format: { timestamps: 'iso-z' } }).split('\n')[1]).toMatch(/^2022-03-01T00:00:00Z,1,/);
    expect(text({ format: { timestamps: 'iso-ms-z' } }).split('\n')[1]).toMatch(/^2022-03-01T00:00:00\.000Z,1,/);
    expect(text({ format: { timestamps: 'iso-offset', utcOffsetMinutes: 60 } }).split('\n')[1]).toMatch(/^2022-03-01T01:00:00\+01:00,1,/);
  });

  it('reorders columns, adds an ignored column and quotes fields readably', () => {
    const columns = ['power_output', 'turbine_id', 'timestamp', 'wind_direction', 'wind_speed'] as const;
    const quoted = text({ format: { columns, extraColumn: 'site', quoteFields: true } });
    const plain = text({});
    const [header, first] = quoted.split('\n');
    expect(header).toBe('"power_output","turbine_id","timestamp","wind_direction","wind_speed","site"');
    const cells = splitQuoted(first!);
    expect(cells).toHaveLength(6);
    expect(cells[5]).toBe('park 1, "north"');
    const original = plain.split('\n')[1]!.split(',');
    expect([cells[2], cells[1], cells[4], cells[3], cells[0]]).toEqual(original);
  });

  it('can leave out the optional wind columns', () => {
    const lean = text({ format: { columns: ['timestamp', 'turbine_id', 'power_output'] } });
    expect(lean.split('\n')[0]).toBe('timestamp,turbine_id,power_output');
    expect(lean.split('\n')[1]).toMatch(/^2022-03-01 00:00:00,1,\d+\.\d$/);
  });
});
