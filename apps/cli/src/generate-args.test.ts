import { GENERATE_USAGE, UsageError, parseGenerateArgs } from './generate-args.js';

const usageError = (argv: string[]): string => {
  try {
    parseGenerateArgs(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`no error for ${argv.join(' ')}`);
};

const optionsOf = (argv: string[]): unknown => {
  const command = parseGenerateArgs(argv);
  if (command.kind !== 'run') throw new Error('expected a run command');
  return command.options;
};

describe('parseGenerateArgs', () => {
  it('needs only --out and leaves the rest to the generator defaults', () => {
    expect(parseGenerateArgs(['--out', 'data/in'])).toEqual({ kind: 'run', out: 'data/in', options: {} });
  });

  it('maps every flag to its generator option', () => {
    const command = parseGenerateArgs([
      '--out=x',
      '--seed',
      '7',
      '--turbines',
      '20',
      '--days',
      '10',
      '--start',
      '2023-01-01',
      '--interval',
      '600',
      '--by',
      'day',
      '--files',
      '5',
      '--missing-rate',
      '0.05',
      '--outlier-rate',
      '.01',
      '--duplicate-rate',
      '0.02',
      '--malformed-rate',
      '0',
      '--gap-rate',
      '1',
      '--out-of-order-rate',
      '0.3',
      '--timestamps',
      'iso-offset',
      '--crlf',
      '--bom',
      '--quote',
      '--extra-column',
      'site',
      '--no-final-newline',
    ]);
    expect(command).toEqual({
      kind: 'run',
      out: 'x',
      options: {
        seed: '7',
        turbines: 20,
        days: 10,
        start: '2023-01-01',
        intervalSeconds: 600,
        by: 'day',
        files: 5,
        missingRate: 0.05,
        outlierRate: 0.01,
        duplicateRate: 0.02,
        malformedRate: 0,
        gapRate: 1,
        outOfOrderRate: 0.3,
        format: { timestamps: 'iso-offset', lineEnding: '\r\n', bom: true, quoteFields: true, extraColumn: 'site', finalNewline: false },
      },
    });
  });

  it('derives days from --rows, or turbines when --days is given', () => {
    expect(optionsOf(['--out', 'x', '--rows', '1000000'])).toEqual({ turbines: 15, days: 2778 });
    expect(optionsOf(['--out', 'x', '--rows', '7440', '--days', '31'])).toEqual({ turbines: 10, days: 31 });
    expect(usageError(['--out', 'x', '--rows', '10', '--days', '1', '--turbines', '1'])).toMatch(/--rows/);
  });

  it('reads repeated --derate flags into derates', () => {
    expect(optionsOf(['--out', 'x', '--derate', '7:2022-03-10..2022-03-14:0.25', '--derate=1-2,5:2022-03-20:1'])).toEqual({
      derates: [
        { turbines: [7], from: '2022-03-10', to: '2022-03-14', fraction: 0.25 },
        { turbines: [1, 2, 5], from: '2022-03-20', to: '2022-03-20', fraction: 1 },
      ],
    });
    expect(usageError(['--out', 'x', '--derate', '7:2022-03-10'])).toMatch(/^--derate "7:2022-03-10": needs three parts/);
    expect(usageError(['--out', 'x', '--derate', '16:2022-03-10:0.5'])).toMatch(/derates\[0\] names turbines outside 1\.\.15: 16/);
    expect(usageError(['--out', 'x', '--days', '5', '--derate', '1:2022-03-05..2022-03-06:0.5'])).toMatch(
      /not all within the generated days/,
    );
    expect(usageError(['--out', 'x', '--derate', '1:2022-03-05:0'])).toMatch(/fraction must be more than 0/);
  });

  it('reads --layout, and refuses a layout it does not know, naming the four it does', () => {
    expect(optionsOf(['--out', 'x', '--layout', 'greenbyte', '--interval', '600'])).toEqual({ layout: 'greenbyte', intervalSeconds: 600 });
    expect(optionsOf(['--out', 'x', '--layout=single-turbine'])).toEqual({ layout: 'single-turbine' });
    expect(optionsOf(['--out', 'x', '--layout', 'european', '--no-final-newline'])).toEqual({
      layout: 'european',
      format: { finalNewline: false },
    });
    expect(usageError(['--out', 'x', '--layout', 'excel'])).toBe(
      '--layout must be one of canonical, greenbyte, single-turbine, european (got "excel")',
    );
    expect(usageError(['--out', 'x', '--layout'])).toMatch(/--layout needs a value/);
  });

  it('refuses with a layout what that layout cannot write', () => {
    expect(usageError(['--out', 'x', '--layout', 'greenbyte', '--crlf'])).toBe(
      '--crlf shapes the canonical layout only; --layout greenbyte writes its own spelling',
    );
    expect(usageError(['--out', 'x', '--layout', 'european', '--timestamps', 'iso-z'])).toMatch(
      /^--timestamps shapes the canonical layout only/,
    );
    expect(usageError(['--out', 'x', '--layout', 'european', '--interval', '90'])).toMatch(/intervalSeconds must be a multiple of 60/);
    expect(usageError(['--out', 'x', '--layout', 'single-turbine', '--by', 'day', '--days', '3'])).toMatch(
      /names each file after its turbine/,
    );
    expect(optionsOf(['--out', 'x', '--layout', 'canonical', '--crlf'])).toEqual({ layout: 'canonical', format: { lineEnding: '\r\n' } });
  });

  it('reads --malformed-kinds as a comma-separated list of rejection reasons', () => {
    expect(optionsOf(['--out', 'x', '--malformed-kinds', 'column_count,bad_timestamp'])).toEqual({
      malformedKinds: ['column_count', 'bad_timestamp'],
    });
    expect(usageError(['--out', 'x', '--malformed-kinds', 'column_count,bad_id'])).toBe(
      '--malformed-kinds takes a list of column_count, bad_timestamp, bad_turbine_id (got "bad_id")',
    );
    expect(usageError(['--out', 'x', '--malformed-kinds', 'bad_timestamp,bad_timestamp'])).toMatch(/malformedKinds repeats a kind/);
  });

  it('answers --help with the usage text, which lists every flag', () => {
    expect(parseGenerateArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseGenerateArgs(['-h'])).toEqual({ kind: 'help' });
    for (const flag of [
      '--out',
      '--seed',
      '--turbines',
      '--days',
      '--files',
      '--by',
      '--rows',
      '--missing-rate',
      '--outlier-rate',
      '--duplicate-rate',
      '--malformed-rate',
      '--malformed-kinds',
      '--derate',
      '--layout',
    ]) {
      expect(GENERATE_USAGE).toContain(flag);
    }
  });

  it('names the bad flag in its error', () => {
    expect(usageError([])).toBe('--out <dir> is required');
    expect(usageError(['--out', 'x', '--turbine', '3'])).toBe('unknown flag --turbine');
    expect(usageError(['--out', 'x', 'extra'])).toBe('unexpected argument "extra"');
    expect(usageError(['--out', 'x', '--seed'])).toMatch(/--seed needs a value/);
    expect(usageError(['--out', 'x', '--turbines', '2.5'])).toMatch(/--turbines must be a positive integer/);
    expect(usageError(['--out', 'x', '--days', '0'])).toMatch(/--days must be a positive integer/);
    expect(usageError(['--out', 'x', '--missing-rate', '1.5'])).toMatch(/--missing-rate must be a number from 0 to 1/);
    expect(usageError(['--out', 'x', '--outlier-rate', 'lots'])).toMatch(/--outlier-rate/);
    expect(usageError(['--out', 'x', '--by', 'week'])).toMatch(/--by must be turbine-group or day/);
    expect(usageError(['--out', 'x', '--timestamps', 'unix'])).toMatch(/--timestamps must be one of/);
    expect(usageError(['--out', 'x', '--start', '2022-02-30'])).toMatch(/start must be a date/);
    expect(usageError(['--out', 'x', '--turbines', '2', '--files', '3'])).toMatch(
      /files must be an integer from 1 to the number of turbines/,
    );
  });
});
