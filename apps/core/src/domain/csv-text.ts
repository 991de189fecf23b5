/**
 * Writes a record's fields back as one CSV line (RFC 4180 quoting). The parser hands over fields,
 * not the bytes it read, so a rejected line's `raw` text is this re-encoding: identical to the
 * source for ordinary lines; quoting may differ where the source quoted fields it did not need to.
 */
export function formatCsvRecord(fields: readonly string[]): string {
  return fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',');
}

/** The same with another delimiter (a profile's `;`, tab or `|`). */
export function formatDelimitedRecord(fields: readonly string[], delimiter: string): string {
  if (delimiter === ',') return formatCsvRecord(fields);
  return fields.map((f) => (f.includes(delimiter) || /["\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(delimiter);
}
