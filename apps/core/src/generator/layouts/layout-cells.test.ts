import { createMeasurementReader, parseMeasurement } from '@windmill/core/domain/measurement';
import { createValueSpeller, isMissingSpelling, shiftDecimalPoint } from '@windmill/core/generator/layouts/layout-cells';
import { MISSING_SPELLINGS } from '@windmill/core/generator/messiness';

describe('shiftDecimalPoint', () => {
  it.each([
    ['1.5', '1500'],
    ['0.0375', '37.5'],
    ['-0.3', '-300'],
    ['4.5', '4500'],
    ['12', '12000'],
    ['0.0', '0'],
    ['.5', '500'],
    ['7.', '7000'],
    ['+2.25', '+2250'],
    ['1.23450', '1234.50'],
    ['0.00001', '0.01'],
  ])('moves the point of %s three places: %s', (mw, kw) => {
    expect(shiftDecimalPoint(mw, 3)).toBe(kw);
  });

  it('refuses text that is not plain decimal notation', () => {
    for (const text of ['', '-', 'NaN', '1e3', '1,5', ' 1.5', 'abc', '1.2.3']) expect(shiftDecimalPoint(text, 3)).toBeNull();
  });

  it('gives back, through the loader reading kW, the very double the MW text gives', () => {
    const readKw = createMeasurementReader({ decimalSeparator: '.', missingValues: [] }, 3);
    for (let tenths = -60; tenths <= 600; tenths += 1) {
      const mw = `${tenths < 0 ? '-' : ''}${Math.floor(Math.abs(tenths) / 10)}.${Math.abs(tenths) % 10}`;
      expect(readKw(shiftDecimalPoint(mw, 3)!)).toBe(parseMeasurement(mw));
    }
  });
});

describe('createValueSpeller', () => {
  it('writes every missing spelling, in any case, as the layout token', () => {
    const speller = createValueSpeller({ kilo: true, decimalComma: false, missing: 'NaN' });
    for (const spelling of [...MISSING_SPELLINGS, 'na', 'NAN', 'NuLl']) {
      expect(isMissingSpelling(spelling)).toBe(true);
      expect(speller(spelling)).toBe('NaN');
    }
  });

  it('writes kW with a decimal comma, and plain values with a comma only', () => {
    expect(createValueSpeller({ kilo: true, decimalComma: true, missing: '' })('0.0375')).toBe('37,5');
    expect(createValueSpeller({ kilo: false, decimalComma: true, missing: '' })('12.3')).toBe('12,3');
    expect(createValueSpeller({ kilo: false, decimalComma: true, missing: '' })('216')).toBe('216');
    expect(createValueSpeller({ kilo: false, decimalComma: false, missing: '' })('12.3')).toBe('12.3');
  });

  it('leaves text that is no number as it is, so it stays unusable', () => {
    const speller = createValueSpeller({ kilo: true, decimalComma: true, missing: '' });
    expect(speller('12 kW')).toBe('12 kW');
    expect(speller('1e3')).toBe('1e3');
  });
});
