import {
  parseMeasurement,
  parseTurbineId,
  powerInRange,
  windDirectionInRange,
  windSpeedInRange,
  type Bounds,
} from '@windmill/core/domain/measurement';

const DEFAULTS: Bounds = { windSpeedMax: 50, powerMin: 0, powerMax: 20 };

describe('parseMeasurement', () => {
  it.each(['', '   ', 'NA', 'na', 'Na', 'nA', 'NaN', 'nan', 'NAN', 'nAn', 'null', 'NULL', 'Null', 'nUlL', '-', ' NA ', ' - '])(
    'reads the missing spelling %j as missing',
    (text) => {
      expect(parseMeasurement(text)).toBeNull();
    },
  );

  it.each([
    ['12.5', 12.5],
    ['0', 0],
    ['7', 7],
    [' 7 ', 7],
    ['-2.5', -2.5],
    ['0.125', 0.125],
    ['.5', 0.5],
    ['5.', 5],
    ['007.50', 7.5],
  ])('reads the decimal %j as %d', (text, value) => {
    expect(parseMeasurement(text)).toBe(value);
  });

  it.each([
    ['1e3', 'exponent notation'],
    ['12kW', 'a unit'],
    ['12 kW', 'a unit after a space'],
    ['1,5', 'a decimal comma in one field'],
    ['1 000', 'a thousands space'],
    ['abc', 'a word'],
    ['Infinity', 'infinity'],
    ['0x10', 'hexadecimal'],
    ['1.2.3', 'two points'],
    ['.', 'a lone point'],
    ['--1', 'a doubled sign'],
    ['N/A', 'another missing spelling that is not in the list'],
  ])('reads %j (%s) as unusable', (text) => {
    expect(parseMeasurement(text)).toBeNull();
  });
});

describe('windSpeedInRange', () => {
  it('keeps the inclusive bounds 0 and 50', () => {
    expect(windSpeedInRange(0, DEFAULTS)).toBe(0);
    expect(windSpeedInRange(50, DEFAULTS)).toBe(50);
    expect(windSpeedInRange(12.3, DEFAULTS)).toBe(12.3);
  });

  it('treats values outside as missing, however close', () => {
    expect(windSpeedInRange(50.0001, DEFAULTS)).toBeNull();
    expect(windSpeedInRange(-0.0001, DEFAULTS)).toBeNull();
    expect(windSpeedInRange(-3, DEFAULTS)).toBeNull();
  });

  it('follows a configured maximum', () => {
    const bounds = { ...DEFAULTS, windSpeedMax: 30 };
    expect(windSpeedInRange(30, bounds)).toBe(30);
    expect(windSpeedInRange(30.5, bounds)).toBeNull();
    expect(windSpeedInRange(45, bounds)).toBeNull();
  });

  it('passes missing through', () => {
    expect(windSpeedInRange(null, DEFAULTS)).toBeNull();
  });
});

describe('windDirectionInRange', () => {
  it('includes 0 and excludes 360', () => {
    expect(windDirectionInRange(0)).toBe(0);
    expect(windDirectionInRange(359.99)).toBe(359.99);
    expect(windDirectionInRange(360)).toBeNull();
  });

  it('treats negative and larger values as missing', () => {
    expect(windDirectionInRange(-1)).toBeNull();
    expect(windDirectionInRange(-0.5)).toBeNull();
    expect(windDirectionInRange(720)).toBeNull();
  });

  it('passes missing through', () => {
    expect(windDirectionInRange(null)).toBeNull();
  });
});

describe('powerInRange', () => {
  it('keeps the inclusive bounds 0 and 20', () => {
    expect(powerInRange(0, DEFAULTS)).toBe(0);
    expect(powerInRange(20, DEFAULTS)).toBe(20);
    expect(powerInRange(3.6, DEFAULTS)).toBe(3.6);
  });

  it('treats negative values and values above the maximum as missing', () => {
    expect(powerInRange(-0.01, DEFAULTS)).toBeNull();
    expect(powerInRange(-5, DEFAULTS)).toBeNull();
    expect(powerInRange(20.01, DEFAULTS)).toBeNull();
  });

  it('follows configured bounds, including a negative minimum', () => {
    const bounds = { ...DEFAULTS, powerMin: -0.5, powerMax: 3.6 };
    expect(powerInRange(-0.5, bounds)).toBe(-0.5);
    expect(powerInRange(3.6, bounds)).toBe(3.6);
    expect(powerInRange(-0.6, bounds)).toBeNull();
    expect(powerInRange(3.7, bounds)).toBeNull();
    expect(powerInRange(20, bounds)).toBeNull();
  });

  it('passes missing through', () => {
    expect(powerInRange(null, DEFAULTS)).toBeNull();
  });
});

describe('parseTurbineId', () => {
  it.each([
    ['1', 1],
    ['15', 15],
    ['007', 7],
    [' 12 ', 12],
    ['2147483647', 2_147_483_647], // the largest Postgres integer
  ])('reads %j as %d', (text, id) => {
    expect(parseTurbineId(text)).toBe(id);
  });

  it.each([
    ['0', 'zero is not positive'],
    ['000', 'zero with leading zeros'],
    ['-3', 'negative'],
    ['1.5', 'a fraction'],
    ['1.0', 'an integer written as a decimal'],
    ['T7', 'a prefix'],
    ['7a', 'a suffix'],
    ['1e3', 'exponent notation'],
    ['', 'empty'],
    ['NA', 'a missing spelling'],
    ['2147483648', 'one more than the largest Postgres integer'],
    ['99999999999999999999', 'huge'],
  ])('refuses %j (%s)', (text) => {
    expect(parseTurbineId(text)).toBeNull();
  });
});
