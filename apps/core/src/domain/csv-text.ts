/**
 * Writes a record's fields back as one CSV line (RFC 4180 quoting). The parser hands over fields,
 * not the bytes it read, so a rejected line's `raw` text is this re-encoding: identical to the
 * source for ordinary lines; quoting may differ where the source quoted fields it did not need to.
 */
export function formatCsvRecord(fields: readonly string[]): string {
  return fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',');
}
