import { formatCsvRecord } from '@windmill/core/domain/csv-text';

describe('formatCsvRecord', () => {
  it('joins ordinary fields with commas, unchanged', () => {
    expect(formatCsvRecord(['2022-03-01 00:00:00', '7', '5.5', '', 'NA'])).toBe('2022-03-01 00:00:00,7,5.5,,NA');
  });

  it('quotes a field that contains a comma', () => {
    expect(formatCsvRecord(['a', '1,5', 'b'])).toBe('a,"1,5",b');
  });

  it('quotes a field that contains a quote and doubles the quote', () => {
    expect(formatCsvRecord(['say "hi"', 'x'])).toBe('"say ""hi""",x');
  });

  it('quotes a field that contains a line break (LF or CR)', () => {
    expect(formatCsvRecord(['two\nlines', 'cr\rhere'])).toBe('"two\nlines","cr\rhere"');
  });

  it('does not quote spaces', () => {
    expect(formatCsvRecord([' 1 ', 'a b'])).toBe(' 1 ,a b');
  });

  it('keeps empty fields, including a single empty field', () => {
    expect(formatCsvRecord(['', '', ''])).toBe(',,');
    expect(formatCsvRecord([''])).toBe('');
  });
});
